package sweep

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/triagehq/triage/internal/benchmark"
	"github.com/triagehq/triage/internal/dovecottest"
)

// TestDovecotApplyTime applies the actions of the 500 invitations of a
// generated 5,000-message INBOX on Dovecot and logs how long it took
// (go test -v). A header SEARCH makes Dovecot read every message, so the
// apply must find the invitations by UID: it must send no search by
// Message-ID at all.
func TestDovecotApplyTime(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 5,000 messages into Dovecot")
	}
	const user = "timing"
	c, err := benchmark.LoadCorpus(filepath.Join("..", "inbox", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	srv := dovecottest.Start(t, dovecottest.Options{Users: map[string]string{user: dovecotPassword}})
	t.Setenv("TRIAGE_DOVECOT_PASSWORD", dovecotPassword)
	var st benchmark.Stats
	var genErr error
	if err := srv.BulkLoad(user, "INBOX", benchmark.Messages(benchmark.Generate(c, benchmark.DefaultSpec(5000)), &st, &genErr)); err != nil || genErr != nil {
		t.Fatal(err, genErr)
	}
	o := dovecotOptions(t, srv, dovecottest.Plain, user)
	dry, _ := run(t, o)
	if dry.New < 400 || dry.New > st.Invitations() {
		t.Fatalf("dry run: %+v, want the %d generated invitations", dry, st.Invitations())
	}
	var trace bytes.Buffer
	o.Apply, o.Trace = true, &trace
	start := time.Now()
	sum, _ := run(t, o)
	took := time.Since(start)
	if sum.Applied != dry.New || sum.Skipped != 0 || sum.Errors != 0 || sum.Pending != 0 {
		t.Errorf("--apply: %+v, want %d applied", sum, dry.New)
	}
	if n := headerSearches(trace.String()); n != 0 {
		t.Errorf("--apply sent %d searches by Message-ID, want 0", n)
	}
	t.Logf("--apply of %d invitations among %d messages on Dovecot: %v (%v per invitation)",
		sum.Applied, st.Messages, took.Round(time.Millisecond), (took / time.Duration(max(sum.Applied, 1))).Round(time.Microsecond))
}
