package benchmark

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// rssChildEnv makes this test binary, started by TestMeasureRSS in place
// of triage, hold that many MiB and exit.
const rssChildEnv = "TRIAGE_BENCH_RSS_CHILD_MIB"

// linesChildEnv makes this test binary, started by TestRunSweepOutput in
// place of triage, print that many invitation lines and exit.
const linesChildEnv = "TRIAGE_BENCH_LINES_CHILD"

func TestMain(m *testing.M) {
	if v := os.Getenv(linesChildEnv); v != "" {
		n, _ := strconv.Atoi(v)
		w := bufio.NewWriter(os.Stdout)
		for i := range n {
			fmt.Fprintf(w, "{\"kind\":\"invitation\",\"new\":true,\"invitation_id\":\"%d\",\"source\":\"imap://x/INBOX;UIDVALIDITY=1/;UID=%d\"}\n", i, i)
		}
		if w.Flush() != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	if v := os.Getenv(rssChildEnv); v != "" {
		mib, _ := strconv.Atoi(v)
		b := make([]byte, mib<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1 // touch every page
		}
		if b[0] == 1 {
			os.Exit(0)
		}
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// TestMeasureRSS checks that MeasureRSS reports the child's own peak RSS,
// not the size of the process that started it: this test first grows to
// well above what the child uses.
func TestMeasureRSS(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ballast := make([]byte, 200<<20)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	t.Setenv(rssChildEnv, "40")
	rss, err := MeasureRSS(context.Background(), self, "unused.toml", "")
	if errors.Is(err, ErrNoTime) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if rss < 40<<20 || rss > 120<<20 {
		t.Errorf("MeasureRSS = %.1f MiB for a child holding 40 MiB (this process holds %d MiB more)", float64(rss)/(1<<20), len(ballast)>>20)
	}
	ballast[len(ballast)-1] = 2 // keep it alive until here
}

// TestRunSweepOutput checks that RunSweep reads back all of a long output
// (written to a file, not a pipe) and counts it.
func TestRunSweepOutput(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(linesChildEnv, "20000")
	run, err := RunSweep(context.Background(), self, "unused.toml", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if run.Out.Lines != 20000 || run.Out.Invitations != 20000 || run.Out.Distinct != 20000 || run.Out.New != 20000 || run.Out.bad != 0 {
		t.Errorf("RunSweep counted %+v, want 20000 distinct new invitation lines", run.Out)
	}
	if run.Elapsed <= 0 {
		t.Errorf("RunSweep.Elapsed = %v, want > 0", run.Elapsed)
	}
}
