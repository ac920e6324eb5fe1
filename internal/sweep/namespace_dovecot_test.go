package sweep

import (
	"slices"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/dovecottest"
	"github.com/triagehq/triage/internal/policy"
)

// TestDovecotNamespace files invitations on a Dovecot that names mailboxes
// as Cyrus (Fastmail's server) and Courier do in their standard
// namespace: "." between levels and every folder of the user under
// "INBOX.". The config's "LinkedIn/Ignore" must become
// "INBOX.LinkedIn.Ignore"; sent as written, such a server refuses it
// ("Invalid mailbox name") and no move or copy is ever carried out.
func TestDovecotNamespace(t *testing.T) {
	const user = "dotted"
	srv := dovecottest.Start(t, dovecottest.Options{
		Users:     map[string]string{user: dovecotPassword},
		Separator: ".", Prefix: "INBOX.",
	})
	t.Setenv("TRIAGE_DOVECOT_PASSWORD", dovecotPassword)
	seedFixtures(t, srv, user)
	o := dovecotOptions(t, srv, dovecottest.Plain, user)
	o.Actions = testActions
	o.Actions.Accept.CopyTo = "LinkedIn/Accepted"

	_, dry := run(t, o)
	fresh, _ := invitations(dry)
	// Message-ID -> verdict; a digest whose invitations disagree gets
	// keywords only, so it stays where it is, as a clarify would.
	verdicts := map[string]policy.Verdict{}
	for _, e := range fresh {
		if v, ok := verdicts[e.MessageID]; ok && v != e.Verdict {
			verdicts[e.MessageID] = policy.Clarify
			continue
		}
		verdicts[e.MessageID] = e.Verdict
	}
	counts := map[policy.Verdict]int{}
	for _, v := range verdicts {
		counts[v]++
	}
	if counts[policy.Accept] == 0 || counts[policy.Ignore] == 0 {
		t.Fatalf("dry sweep verdicts by message %v: the fixtures need accepted and ignored invitations", counts)
	}

	o.Apply = true
	sum, _ := run(t, o)
	if sum.Pending != 0 || sum.Applied == 0 {
		t.Fatalf("apply: %+v, want every action carried out", sum)
	}
	after := snapshot(t, srv, user)
	for name := range after {
		if strings.Contains(name, "/") {
			t.Errorf("mailbox %q: a name the config wrote was sent as it is", name)
		}
	}
	for id, v := range verdicts {
		mboxes, _ := where(after, id)
		slices.Sort(mboxes)
		var want []string
		switch v {
		case policy.Accept:
			want = []string{"INBOX", "INBOX.LinkedIn.Accepted"}
		case policy.Ignore:
			want = []string{"INBOX.LinkedIn.Ignore"}
		default:
			want = []string{"INBOX"}
		}
		if !slices.Equal(mboxes, want) {
			t.Errorf("message %s (%s) is in %q, want %q", id, v, mboxes, want)
		}
	}

	// Nothing is left to do: a second --apply changes nothing.
	before := snapshot(t, srv, user)
	if sum, _ := run(t, o); sum.Applied != 0 || sum.Pending != 0 {
		t.Errorf("second apply: %+v, want nothing to do", sum)
	}
	if d := diffSnapshots(before, snapshot(t, srv, user)); d != "" {
		t.Errorf("second apply changed the mailbox:\n%s", d)
	}
}
