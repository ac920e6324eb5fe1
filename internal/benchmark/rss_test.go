package benchmark

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
)

// rssChildEnv makes this test binary, started by TestMeasureRSS in place
// of triage, hold that many MiB and exit.
const rssChildEnv = "TRIAGE_BENCH_RSS_CHILD_MIB"

func TestMain(m *testing.M) {
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
