package benchmark

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/triagehq/triage/internal/dovecottest"
	"github.com/triagehq/triage/internal/inbox"
)

// TestFetchGeneratedMailbox fetches every candidate of a generated 5,000
// message mailbox from Dovecot. With two body FETCH commands in flight,
// Dovecot answered them interleaved and inbox.Session.Fetch stalled for
// good after the first 200 messages; this is the mailbox that showed it.
func TestFetchGeneratedMailbox(t *testing.T) {
	c := testCorpus(t)
	srv := dovecottest.Start(t, dovecottest.Options{})
	var st Stats
	var genErr error
	if err := srv.BulkLoad(srv.User, "INBOX", Messages(Generate(c, DefaultSpec(5000)), &st, &genErr)); err != nil || genErr != nil {
		t.Fatal(err, genErr)
	}
	t.Setenv("BENCH_FETCH_PASSWORD", srv.Password)
	a := inbox.Account{Name: "b", Host: "127.0.0.1", Port: srv.IMAPPort, TLS: "none", Username: srv.User, PasswordEnv: "BENCH_FETCH_PASSWORD"}
	a.Timeout.Duration = 10 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	s, err := inbox.Dial(ctx, a, inbox.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Select(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	uids, err := s.SearchCandidates(ctx, inbox.SearchCriteria{Subjects: inbox.SearchSubjects()})
	if err != nil {
		t.Fatal(err)
	}
	if len(uids) < 400 {
		t.Fatalf("search found %d candidates, want the generated invitations (about 500)", len(uids))
	}
	n := 0
	done := make(chan error, 1)
	go func() {
		done <- s.Fetch(ctx, uids, func(m inbox.FetchedMessage) error {
			if m.Body != nil {
				if _, err := io.Copy(io.Discard, m.Body); err != nil {
					return err
				}
			}
			n++
			return nil
		})
	}()
	select {
	case err := <-done:
		if err != nil || n != len(uids) {
			t.Errorf("Fetch of %d candidates: %d delivered, err %v", len(uids), n, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("Fetch of %d candidates stalled after %d messages", len(uids), n)
	}
}
