package inbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

// ApplyBatch acts on many messages with one command per step; the UIDPLUS
// fallback expunges exactly its own UIDs, and nothing when COPY fails.
func TestApplyBatch(t *testing.T) {
	ctx := context.Background()
	rev1UIDPlus := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}
	seed := func(ts *testServer) (batch []uint32, keep uint32) {
		for i := range 3 {
			batch = append(batch, ts.add("INBOX", imapTestMessage("LinkedIn <invitations@linkedin.com>", fmt.Sprintf("invitation %d", i), "me@example.com", "x")))
		}
		// A message the user marked \Deleted, between the batch's UIDs'
		// neighbours: a plain EXPUNGE would remove it.
		keep = ts.add("INBOX", imapTestMessage("c@example.com", "draft", "d@example.com", "x"), imap.FlagDeleted)
		return batch, keep
	}

	for _, tc := range []struct {
		name string
		caps imap.CapSet
		want func(set string) []string
	}{
		{"move", nil, func(set string) []string {
			return []string{"STORE " + set + " [$Triage_ignore]", "MOVE " + set + " LinkedIn/Ignore"}
		}},
		{"uidplus", rev1UIDPlus, func(set string) []string {
			return []string{"STORE " + set + " [$Triage_ignore]", "COPY " + set + " LinkedIn/Ignore", "STORE " + set + ` [\Deleted]`, "EXPUNGE " + set}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestServer(t, testServerOptions{caps: tc.caps})
			batch, keep := seed(ts)
			ts.user.Create("LinkedIn/Ignore", nil)
			s := dialTest(t, ts.account(t), DialOptions{})
			if _, err := s.Select(ctx, "INBOX"); err != nil {
				t.Fatal(err)
			}
			gone := batch[len(batch)-1] + 100
			res, err := s.ApplyBatch(ctx, append(slices.Clone(batch), gone), Action{Keyword: "$Triage_ignore", MoveTo: "LinkedIn/Ignore"}, true)
			if err != nil || !slices.Equal(res.Done, []string{"keyword $Triage_ignore", "move LinkedIn/Ignore"}) || !slices.Equal(res.Missing, []uint32{gone}) {
				t.Fatalf("ApplyBatch = %+v, %v; want both steps done and uid %d missing", res, err, gone)
			}
			set := uidSet(batch...).String()
			if got, want := ts.recorded(), tc.want(set); !slices.Equal(got, want) {
				t.Errorf("server got %q, want %q", got, want)
			}
			inbox := imapMailboxFlags(t, ts, "INBOX")
			if _, ok := inbox[keep]; !ok || len(inbox) != 1 {
				t.Errorf("INBOX after the batch move = %v, want only the user's \\Deleted message %d", inbox, keep)
			}
			moved := imapMailboxFlags(t, ts, "LinkedIn/Ignore")
			if len(moved) != len(batch) {
				t.Errorf("LinkedIn/Ignore holds %d messages, want %d", len(moved), len(batch))
			}
			for u, f := range moved {
				if !hasFlag(f, "$Triage_ignore") {
					t.Errorf("moved message %d flags %v, want $Triage_ignore", u, f)
				}
			}
		})
	}

	t.Run("copy fails", func(t *testing.T) {
		ts := newTestServer(t, testServerOptions{caps: rev1UIDPlus})
		batch, keep := seed(ts)
		ts.user.Create("LinkedIn", nil)
		ts.copyFail = true
		s := dialTest(t, ts.account(t), DialOptions{})
		if _, err := s.Select(ctx, "INBOX"); err != nil {
			t.Fatal(err)
		}
		res, err := s.ApplyBatch(ctx, batch, Action{MoveTo: "LinkedIn"}, true)
		if err == nil || len(res.Done) != 0 {
			t.Fatalf("ApplyBatch(move) with failing COPY = %+v, %v, want an error", res, err)
		}
		for _, c := range ts.recorded() {
			if !strings.HasPrefix(c, "COPY") {
				t.Errorf("after a failed COPY the server got %q", c)
			}
		}
		inbox := imapMailboxFlags(t, ts, "INBOX")
		for _, u := range append(batch, keep) {
			if _, ok := inbox[u]; !ok {
				t.Errorf("message %d gone after a failed batch move", u)
			}
		}
		for _, u := range batch {
			if hasFlag(inbox[u], `\Deleted`) {
				t.Errorf("message %d marked \\Deleted after a failed COPY", u)
			}
		}
	})
}
