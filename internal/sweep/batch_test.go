package sweep

import (
	"testing"

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
