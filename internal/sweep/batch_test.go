package sweep

import (
	"errors"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/triagehq/triage/internal/config"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
)

// --apply sends one STORE per keyword and one MOVE per target mailbox for
// all the invitations that share it, not one per message.
func TestApplyBatchesCommands(t *testing.T) {
	ms := newMemServer(t)
	for _, fx := range []string{fx2011, fx2016, fx2022, fx2023, fx2025, fx2026} {
		ms.deliver("INBOX", fixture(t, fx))
	}
	o := memOptions(t, ms, "INBOX")
	o.Actions.Accept.MoveTo = "LinkedIn/Accept"
	o.Actions.Clarify.MoveTo = "LinkedIn/Clarify"
	o.Actions.Ignore.MoveTo = "LinkedIn/Ignore"
	for _, box := range []string{"LinkedIn/Accept", "LinkedIn/Clarify", "LinkedIn/Ignore"} {
		if err := ms.user.Create(box, nil); err != nil { // a MOVE to a missing mailbox is sent again after CREATE
			t.Fatal(err)
		}
	}
	dry, entries := run(t, o)
	fresh, _ := invitations(entries)
	if dry.New < 4 || len(fresh) != dry.New {
		t.Fatalf("dry sweep decided %d (%d entries), want at least 4 invitations", dry.New, len(fresh))
	}
	verdicts := map[policy.Verdict]int{}
	for _, e := range fresh {
		verdicts[e.Verdict]++
	}
	stores, moves := ms.count("STORE"), ms.count("MOVE")

	o.Apply = true
	sum, _ := run(t, o)
	if sum.Applied != dry.New {
		t.Fatalf("--apply applied %d, want %d", sum.Applied, dry.New)
	}
	if got, want := ms.count("STORE")-stores, len(verdicts); got != want {
		t.Errorf("--apply of %d invitations (%v) sent %d STORE, want %d (one per keyword)", dry.New, verdicts, got, want)
	}
	if got, want := ms.count("MOVE")-moves, len(verdicts); got != want {
		t.Errorf("--apply of %d invitations (%v) sent %d MOVE, want %d (one per target)", dry.New, verdicts, got, want)
	}
	if n := len(ms.messages("INBOX")); n != 0 {
		t.Errorf("after --apply %d messages stayed in INBOX, want all moved", n)
	}
	for v, n := range verdicts {
		box := o.Actions.For(v).MoveTo
		msgs := ms.messages(box)
		if len(msgs) != n {
			t.Errorf("%s holds %d messages, want %d", box, len(msgs), n)
		}
		for _, m := range msgs {
			if kw := o.Actions.For(v).Keyword; !m.has(kw) {
				t.Errorf("%s uid %d lacks %s", box, m.UID, kw)
			}
		}
	}
}

// On a server with neither MOVE nor UIDPLUS, --apply refuses the
// invitations whose actions move (they stay pending, each failure says
// why, and nothing is counted as unreadable), and still carries out the
// others.
func TestApplyCannotMove(t *testing.T) {
	ms := newMemServerCaps(t, imap.CapSet{imap.CapIMAP4rev1: {}})
	for _, fx := range []string{fx2011, fx2016, fx2022, fx2023, fx2025, fx2026} {
		ms.deliver("INBOX", fixture(t, fx))
	}
	o := memOptions(t, ms, "INBOX") // ignore moves to LinkedIn/Ignore
	dry, entries := run(t, o)
	fresh, _ := invitations(entries)
	moving := 0
	for _, e := range fresh {
		if e.Verdict == policy.Ignore {
			moving++
		}
	}
	if moving == 0 || moving == dry.New {
		t.Fatalf("dry sweep: %d of %d invitations ignored, want some and not all", moving, dry.New)
	}

	o.Apply = true
	sum, _ := run(t, o)
	if sum.Failed != moving || sum.Applied != dry.New-moving || sum.Errors != 0 || sum.Pending != moving {
		t.Errorf("--apply: %d failed, %d applied, %d unreadable, %d pending; want %d, %d, 0, %d", sum.Failed, sum.Applied, sum.Errors, sum.Pending, moving, dry.New-moving, moving)
	}
	if len(sum.Failures) != moving {
		t.Fatalf("--apply: %d failures told, want %d", len(sum.Failures), moving)
	}
	for _, err := range sum.Failures {
		if !errors.Is(err, inbox.ErrCannotMove) {
			t.Errorf("failure %v is not ErrCannotMove", err)
		}
	}
	if n := ms.count("MOVE") + ms.count("COPY") + ms.count("EXPUNGE"); n != 0 {
		t.Errorf("--apply sent %d MOVE, COPY or EXPUNGE to a server that cannot move", n)
	}
	if n := len(ms.messages("INBOX")); n != 6 {
		t.Errorf("INBOX holds %d messages after --apply, want all 6", n)
	}
}

// TestApplyBatchFitsCommandLine keeps a batch's UID set, at the longest
// (every UID ten digits, none adjacent), under the 8,000 bytes inbox
// keeps a command line to: ApplyBatch names every UID of the batch in
// one UID STORE, COPY or MOVE.
func TestApplyBatchFitsCommandLine(t *testing.T) {
	uids := make([]uint32, applyBatch)
	for i := range uids {
		uids[i] = 4294967295 - uint32(2*i)
	}
	set := imap.UIDSetNum()
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	if n := len(set.String()); n > 8000 {
		t.Errorf("a batch of %d scattered ten-digit UIDs makes a %d-byte UID set, over 8,000", applyBatch, n)
	}
}

// TestBatchByAction: keywords and \Seen go in batches of applyBatch; an
// action that copies or moves, in batches of moveBatch.
func TestBatchByAction(t *testing.T) {
	keywords := config.Actions{Accept: inbox.Action{Keyword: "$Triage_accept"}, Ignore: inbox.Action{Keyword: "$Triage_ignore", MarkSeen: true}}
	for _, tc := range []struct {
		name    string
		actions config.Actions
		want    int
	}{
		{"keywords only", keywords, applyBatch},
		{"a move", testActions, moveBatch},
		{"a copy", config.Actions{Accept: inbox.Action{CopyTo: "LinkedIn/Accepted"}}, moveBatch},
	} {
		s := &sweeper{o: Options{Actions: tc.actions}}
		if got := s.batch(); got != tc.want {
			t.Errorf("%s: batch = %d, want %d", tc.name, got, tc.want)
		}
	}
}
