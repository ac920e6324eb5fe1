package sweep_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/triagehq/triage/internal/benchmark"
	"github.com/triagehq/triage/internal/dovecottest"
)

// settledMessages is the size of TestSettledSweepLatency's mailbox.
const settledMessages = 5000

// TestSettledSweepLatency times whole `triage sweep` processes against a
// settled Dovecot mailbox of settledMessages messages: everything decided and applied,
// nothing new. It asserts that such a sweep prints nothing new and changes
// nothing, and logs the median wall time (the target is under 50 ms on an
// idle machine; the figure is logged, not asserted, as shared CI machines
// are noisy) with a --verbose breakdown of one run.
func TestSettledSweepLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/triage and loads 5,000 messages into Dovecot")
	}
	corpus, err := benchmark.LoadCorpus(filepath.Join("..", "inbox", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	srv := dovecottest.Start(t, dovecottest.Options{})
	var st benchmark.Stats
	var genErr error
	if err := srv.BulkLoad(srv.User, "INBOX", benchmark.Messages(benchmark.Generate(corpus, benchmark.DefaultSpec(settledMessages)), &st, &genErr)); err != nil || genErr != nil {
		t.Fatal(err, genErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin, err := benchmark.BuildTriage(ctx, filepath.Join("..", ".."), dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := benchmark.WriteConfig(dir, benchmark.SweepConfig{StateDir: filepath.Join(dir, "state"), Host: "127.0.0.1", Port: srv.IMAPPort, User: srv.User})
	if err != nil {
		t.Fatal(err)
	}
	first, err := benchmark.RunSweep(ctx, bin, cfg, srv.Password, false)
	if err != nil {
		t.Fatal(err)
	}
	if first.Out.New == 0 {
		t.Fatalf("first sweep decided no invitations (%d lines)", first.Out.Lines)
	}
	if _, err := benchmark.RunSweep(ctx, bin, cfg, srv.Password, false, "--apply"); err != nil {
		t.Fatal(err)
	}
	// --apply renamed files in cur/: until Dovecot syncs the directory
	// well after that, every SELECT rescans it (see benchmark.MaildirQuiet).
	time.Sleep(benchmark.MaildirQuiet)
	var times []time.Duration
	for i := range 11 {
		run, err := benchmark.RunSweep(ctx, bin, cfg, srv.Password, false)
		if err != nil {
			t.Fatal(err)
		}
		if run.Out.Lines != 0 {
			t.Fatalf("settled sweep %d printed %d lines (%d new), want none: %q", i, run.Out.Lines, run.Out.New, run.Out.Samples)
		}
		if i > 0 { // the first warms the page cache and lets Dovecot record cur/ as synced
			times = append(times, run.Elapsed)
		}
	}
	slices.Sort(times)
	t.Logf("settled sweep over %d messages (%d invitations decided first): median %v, min %v, max %v",
		st.Messages, first.Out.New, times[len(times)/2].Round(100*time.Microsecond),
		times[0].Round(100*time.Microsecond), times[len(times)-1].Round(100*time.Microsecond))

	verbose, err := benchmark.RunSweep(ctx, bin, cfg, srv.Password, true, "--verbose")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("breakdown (--verbose, %v in all):\n%s", verbose.Elapsed.Round(100*time.Microsecond), strings.TrimSpace(string(verbose.Stderr)))
}
