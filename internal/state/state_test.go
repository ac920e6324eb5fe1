package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

const acct = "work"

var t0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// clock is a test clock that moves one second per reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func newStore(t testing.TB, dir string) *Store {
	t.Helper()
	c := &clock{t: t0}
	s, err := OpenOptions(dir, Options{Now: c.Now, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("OpenOptions(%q) = %v", dir, err)
	}
	return s
}

func invitation(id, mid, name string) inbox.Invitation {
	return inbox.Invitation{
		Name:         name,
		Headline:     "Head of Data at Example",
		Company:      "Example",
		Note:         "We met at GopherCon, I would like to compare notes on IMAP.",
		ProfileURL:   "https://www.linkedin.com/in/" + strings.ToLower(strings.ReplaceAll(name, " ", "-")) + "/",
		InvitationID: id,
		AcceptURL:    "https://www.linkedin.com/comm/invitations/accept?invitationId=" + id + "&midToken=SECRETmid&otpToken=SECRETotp",
		MessageID:    mid,
		Date:         t0.Add(-time.Hour),
	}
}

func decision(v policy.Verdict, score int) policy.Decision {
	return policy.Decision{
		Score:     score,
		Verdict:   v,
		NoteClass: policy.NotePersonalised,
		Reasons: []policy.Reason{
			{Rule: "note.personalised", Points: 3, Why: "the note names a shared event"},
			{Rule: "mutual", Points: score - 3, Why: "mutual connections"},
		},
	}
}

func put(t *testing.T, s *Store, r Record) (Record, PutResult) {
	t.Helper()
	got, res, err := s.Put(acct, r)
	if err != nil {
		t.Fatalf("Put(%q) = %v", r.Key, err)
	}
	return got, res
}

func loc(uid uint32, mid string) Location {
	return Location{Mailbox: "INBOX", UIDValidity: 7, UID: uid, MessageID: mid}
}

func TestDefaultDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, tc := range []struct{ xdg, want string }{
		{"/var/state", "/var/state/triage"},
		{"", filepath.Join(home, ".local", "state", "triage")},
		{"relative/ignored", filepath.Join(home, ".local", "state", "triage")},
	} {
		t.Setenv("XDG_STATE_HOME", tc.xdg)
		got, err := DefaultDir()
		if err != nil || got != tc.want {
			t.Errorf("DefaultDir() with XDG_STATE_HOME=%q = %q, %v, want %q", tc.xdg, got, err, tc.want)
		}
	}
}

func TestPositions(t *testing.T) {
	s := newStore(t, t.TempDir())
	p, err := s.Position(acct, "INBOX")
	if err != nil || p.Known() || p.Continues(7) {
		t.Fatalf("Position of a new mailbox = %+v, %v; want unknown", p, err)
	}
	steps := []struct {
		uidValidity, lastUID uint32
		want                 Position
	}{
		{7, 100, Position{UIDValidity: 7, LastUID: 100}},
		{7, 250, Position{UIDValidity: 7, LastUID: 250}},
		{7, 50, Position{UIDValidity: 7, LastUID: 250}}, // never moves back
		{9, 3, Position{UIDValidity: 9, LastUID: 3}},    // UIDVALIDITY changed: replaced
	}
	for _, st := range steps {
		if err := s.SetPosition(acct, "INBOX", st.uidValidity, st.lastUID); err != nil {
			t.Fatalf("SetPosition(%d, %d) = %v", st.uidValidity, st.lastUID, err)
		}
		p, err := s.Position(acct, "INBOX")
		if err != nil || p.UIDValidity != st.want.UIDValidity || p.LastUID != st.want.LastUID || p.Updated.IsZero() {
			t.Errorf("after SetPosition(%d, %d): Position = %+v, %v, want %+v", st.uidValidity, st.lastUID, p, err, st.want)
		}
	}
	// Round trip through a fresh Store on the same directory, and the
	// caller's UIDVALIDITY check.
	p, err = newStore(t, s.Dir()).Position(acct, "INBOX")
	if err != nil || !p.Continues(9) || p.Continues(7) {
		t.Errorf("reopened Position = %+v, %v; want Continues(9) only", p, err)
	}
	if p, _ := s.Position(acct, "Archive"); p.Known() {
		t.Errorf("Position(Archive) = %+v, want unknown: mailboxes are separate", p)
	}
	if p, _ := s.Position("other", "INBOX"); p.Known() {
		t.Errorf("Position(other, INBOX) = %+v, want unknown: accounts are separate", p)
	}
	if err := s.SetPosition(acct, "INBOX", 0, 1); err == nil {
		t.Errorf("SetPosition with UIDVALIDITY 0 = nil, want an error")
	}
}

func TestPutKeys(t *testing.T) {
	s := newStore(t, t.TempDir())
	digest := "digest-1@linkedin.com"
	tests := []struct {
		name    string
		inv     inbox.Invitation
		n       int
		wantKey string
	}{
		{"invitation ID", invitation("6900001", "single-1@linkedin.com", "Ada Lovelace"), 0, "inv:6900001"},
		{"Message-ID fallback", invitation("", "single-2@linkedin.com", "Grace Hopper"), 0, "msg:single-2@linkedin.com"},
		{"digest first", invitation("", digest, "Alan Turing"), 0, "msg:" + digest},
		{"digest second", invitation("", digest, "Edsger Dijkstra"), 1, "msg:" + digest + "#2"},
	}
	for i, tc := range tests {
		r := NewRecord(tc.inv, tc.n, decision(policy.Accept, 6), &reply.Draft{To: tc.inv.Name, Subject: "Hello", Body: "What is it about?"}, loc(uint32(10+i), ""), t0)
		if r.Key != tc.wantKey {
			t.Errorf("%s: NewRecord key = %q, want %q", tc.name, r.Key, tc.wantKey)
		}
		if _, res := put(t, s, r); res != Added {
			t.Errorf("%s: Put = %v, want added", tc.name, res)
		}
		got, err := s.Get(acct, tc.wantKey)
		if err != nil {
			t.Fatalf("%s: Get(%q) = %v", tc.name, tc.wantKey, err)
		}
		want := r
		want.Account = acct
		want.Location.MessageID = tc.inv.MessageID
		want.Log = got.Log
		if !sameRecord(got, want) {
			t.Errorf("%s: Get(%q) =\n%s\nwant\n%s", tc.name, tc.wantKey, dump(got), dump(want))
		}
		if got.Inviter.AcceptURL.Reveal() != tc.inv.AcceptURL {
			t.Errorf("%s: stored accept URL = %q, want the original", tc.name, got.Inviter.AcceptURL.Reveal())
		}
		if got.Action.State != Pending || len(got.Log) != 1 || got.Log[0].What != "decided" {
			t.Errorf("%s: new record action %q log %+v, want pending and one decided event", tc.name, got.Action.State, got.Log)
		}
	}
	recs, err := s.ByMessageID(acct, digest)
	if err != nil || len(recs) != 2 || recs[0].Inviter.Name != "Alan Turing" || recs[1].Inviter.Name != "Edsger Dijkstra" {
		t.Errorf("ByMessageID(digest) = %d records, %v; want Turing and Dijkstra", len(recs), err)
	}
	all, err := s.Records(acct)
	if err != nil || len(all) != len(tests) {
		t.Errorf("Records = %d, %v, want %d", len(all), err, len(tests))
	}
	if _, err := s.Get(acct, "inv:nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(missing) = %v, want ErrNotFound", err)
	}
	if _, err := s.Get("nobody", "inv:6900001"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(unknown account) = %v, want ErrNotFound", err)
	}
	if _, _, err := s.Put(acct, NewRecord(inbox.Invitation{Name: "X"}, 0, decision(policy.Ignore, -3), nil, loc(99, ""), t0)); err == nil {
		t.Errorf("Put of a record with neither invitation ID nor Message-ID = nil, want an error")
	}
}

func sameRecord(a, b Record) bool {
	return dump(a) == dump(b) && a.Inviter.AcceptURL == b.Inviter.AcceptURL && a.Account == b.Account
}

func dump(r Record) string {
	b, _ := json.MarshalIndent(r, "", " ")
	return string(b)
}

func TestReminderKeepsDecision(t *testing.T) {
	s := newStore(t, t.TempDir())
	orig := invitation("6900002", "orig@linkedin.com", "Barbara Liskov")
	put(t, s, NewRecord(orig, 0, decision(policy.Accept, 7), nil, loc(10, ""), t0))

	// A week later the reminder comes; the policy would now say otherwise
	// (say the rules changed), but a reminder never makes a second decision.
	rem := invitation("6900002", "reminder@linkedin.com", "Barbara Liskov")
	rem.Reminder = true
	got, res := put(t, s, NewRecord(rem, 0, decision(policy.Ignore, -4), nil, loc(40, ""), t0))
	if res != Reminded {
		t.Fatalf("Put(reminder) = %v, want reminded", res)
	}
	stored, err := s.Get(acct, "inv:6900002")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Record{got, stored} {
		if r.Suggested != policy.Accept || r.Score != 7 || r.Location.UID != 10 || r.Location.MessageID != "orig@linkedin.com" {
			t.Errorf("after a reminder: verdict %v score %d location %+v, want accept 7 at uid 10", r.Suggested, r.Score, r.Location)
		}
		if len(r.Reminders) != 1 || !r.Reminders[0].Reminder || r.Reminders[0].Location.UID != 40 {
			t.Errorf("after a reminder: Reminders = %+v, want one reminder at uid 40", r.Reminders)
		}
	}
	// The same reminder seen again (a --all rescan) changes nothing.
	if _, res := put(t, s, NewRecord(rem, 0, decision(policy.Ignore, -4), nil, loc(40, ""), t0)); res != Unchanged {
		t.Errorf("Put(same reminder again) = %v, want unchanged", res)
	}
	// A reminder without the invitation ID finds its invitation by profile.
	bare := rem
	bare.InvitationID, bare.MessageID = "", "reminder-2@linkedin.com"
	if _, res := put(t, s, NewRecord(bare, 0, decision(policy.Ignore, -4), nil, loc(55, ""), t0)); res != Reminded {
		t.Errorf("Put(reminder without invitation ID) = %v, want reminded", res)
	}
	if _, err := s.Get(acct, "msg:reminder-2@linkedin.com"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an ID-less reminder made its own record (Get = %v)", err)
	}
	stored, _ = s.Get(acct, "inv:6900002")
	if len(stored.Reminders) != 2 || stored.Suggested != policy.Accept {
		t.Errorf("after two reminders: %d reminders, verdict %v; want 2, accept", len(stored.Reminders), stored.Suggested)
	}
	// The reminder messages lead to the invitation too.
	if recs, _ := s.ByMessageID(acct, "reminder-2@linkedin.com"); len(recs) != 1 || recs[0].Key != "inv:6900002" {
		t.Errorf("ByMessageID(reminder) = %d records, want the invitation", len(recs))
	}
	pend, err := s.Pending(acct)
	if err != nil || len(pend) != 1 {
		t.Errorf("Pending = %d records, %v; want the one invitation once", len(pend), err)
	}
}

// A reminder's message is filed as its invitation is, by a record of its
// own that carries the invitation's decision and makes none.
func TestFileReminder(t *testing.T) {
	s := newStore(t, t.TempDir())
	orig := invitation("6900004", "orig-4@linkedin.com", "Frances Allen")
	invRec, _ := put(t, s, NewRecord(orig, 0, decision(policy.Accept, 7), nil, loc(10, ""), t0))
	if err := s.MarkIntent(acct, invRec.Key, []string{"keyword $Triage_accept"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDone(acct, invRec.Key, t0); err != nil {
		t.Fatal(err)
	}
	file := func(of Record, at Location) (Record, PutResult, error) {
		var r Record
		var res PutResult
		err := s.Update(func(tx *Tx) (err error) {
			r, res, err = tx.FileReminder(acct, of, at)
			return err
		})
		return r, res, err
	}

	rem := invitation("6900004", "reminder-4@linkedin.com", "Frances Allen")
	rem.Reminder = true
	of, res := put(t, s, NewRecord(rem, 0, decision(policy.Ignore, -4), nil, loc(40, ""), t0))
	if res != Reminded {
		t.Fatalf("Put(reminder) = %v, want reminded", res)
	}
	got, res, err := file(of, loc(40, "reminder-4@linkedin.com"))
	if err != nil || res != Added {
		t.Fatalf("FileReminder = %v, %v; want added", res, err)
	}
	stored, err := s.Get(acct, ReminderKey(of.Key, "reminder-4@linkedin.com"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Record{got, stored} {
		if !r.IsReminder() || r.Suggested != policy.Accept || r.Score != 7 || !r.FromReminder ||
			r.Location != loc(40, "reminder-4@linkedin.com") || r.Action.State != Pending || r.Inviter.Name != "Frances Allen" {
			t.Errorf("reminder's record %s: verdict %v score %d from reminder %v at %+v, action %s, inviter %q; want the invitation's accept 7, pending, at uid 40",
				r.Key, r.Suggested, r.Score, r.FromReminder, r.Location, r.Action.State, r.Inviter.Name)
		}
		for _, e := range r.Log {
			if e.What == "decided" {
				t.Errorf("reminder's record logs a decision: %+v", r.Log)
			}
		}
		if r.ReminderOf != "orig-4@linkedin.com" {
			t.Errorf("reminder's record: ReminderOf = %q, want the invitation's Message-ID %q", r.ReminderOf, "orig-4@linkedin.com")
		}
	}
	if of.ReminderOf != "" {
		t.Errorf("the invitation's record: ReminderOf = %q, want none", of.ReminderOf)
	}
	// The invitation, already done, stays done; the reminder is what is open.
	pend, err := s.Pending(acct)
	if err != nil || len(pend) != 1 || pend[0].Key != stored.Key {
		t.Errorf("Pending = %d records, %v; want the reminder's alone", len(pend), err)
	}
	if r, _ := s.Get(acct, of.Key); r.Action.State != Done || len(r.Reminders) != 1 {
		t.Errorf("invitation after the reminder: %s with %d reminders; want done, 1", r.Action.State, len(r.Reminders))
	}

	// Met again: unchanged; at another UID, it follows its message.
	if _, res, err := file(of, loc(40, "reminder-4@linkedin.com")); err != nil || res != Unchanged {
		t.Errorf("FileReminder again = %v, %v; want unchanged", res, err)
	}
	if r, res, err := file(of, loc(41, "reminder-4@linkedin.com")); err != nil || res != Unchanged || r.Location.UID != 41 {
		t.Errorf("FileReminder at a new UID = %v at uid %d, %v; want unchanged at 41", res, r.Location.UID, err)
	}
	if n, _, err := s.PendingCount(acct); err != nil || n != 1 {
		t.Errorf("PendingCount = %d, %v; want 1", n, err)
	}

	// The profile still leads to the invitation, not to the reminder's
	// record: an ID-less reminder is noted on the invitation.
	bare := rem
	bare.InvitationID, bare.MessageID = "", "reminder-5@linkedin.com"
	if r, res := put(t, s, NewRecord(bare, 0, decision(policy.Ignore, -4), nil, loc(55, ""), t0)); res != Reminded || r.Key != of.Key {
		t.Errorf("Put(ID-less reminder) = %v on %q; want reminded on %q", res, r.Key, of.Key)
	}
	// A review of the invitation reviews its reminder's record too.
	if err := s.SetReview(acct, of.Key, Review{Verdict: policy.Ignore}); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Get(acct, stored.Key); r.EffectiveVerdict() != policy.Ignore {
		t.Errorf("reminder's record after a review of its invitation: %v, want ignore", r.EffectiveVerdict())
	}

	// A digest repeating two invitations with different verdicts: its
	// reminders' records disagree, one repeating a single one does not.
	other, _ := put(t, s, NewRecord(invitation("6900007", "orig-7@linkedin.com", "Grace Hopper"), 0, decision(policy.Clarify, 1), nil, loc(70, ""), t0))
	of, _ = s.Get(acct, of.Key)
	for _, c := range []struct {
		mid  string
		of   []Record
		want bool
	}{
		{"digest-both@linkedin.com", []Record{of, other}, true},
		{"digest-one@linkedin.com", []Record{other}, false},
	} {
		// Asked in the transaction that filed them, and after it.
		var inTx, after bool
		err := s.Update(func(tx *Tx) (err error) {
			for i, r := range c.of {
				if _, _, err := tx.FileReminder(acct, r, loc(80+uint32(i), c.mid)); err != nil {
					return err
				}
			}
			inTx, err = tx.VerdictsDisagree(acct, c.mid)
			return err
		})
		if err == nil {
			err = s.View(func(tx *Tx) (err error) {
				after, err = tx.VerdictsDisagree(acct, c.mid)
				return err
			})
		}
		if err != nil || inTx != c.want || after != c.want {
			t.Errorf("VerdictsDisagree(%s) = %v in the transaction, %v after, %v; want %v", c.mid, inTx, after, err, c.want)
		}
	}

	for _, c := range []struct {
		name string
		of   Record
		at   Location
	}{
		{"no Message-ID", of, loc(60, "")},
		{"the invitation's own message", of, loc(10, "orig-4@linkedin.com")},
		{"a reminder of a reminder", stored, loc(61, "reminder-6@linkedin.com")},
	} {
		if _, _, err := file(c.of, c.at); err == nil {
			t.Errorf("FileReminder with %s succeeded", c.name)
		}
	}
}

// The reminder of an invitation the user dealt with (its actions were
// skipped: the message was gone) is theirs to deal with too.
func TestFileReminderOfSkipped(t *testing.T) {
	s := newStore(t, t.TempDir())
	inv, _ := put(t, s, NewRecord(invitation("6900008", "orig-8@linkedin.com", "Alan Kay"), 0, decision(policy.Ignore, -3), nil, loc(10, ""), t0))
	if err := s.MarkSkipped(acct, inv.Key, "message gone"); err != nil {
		t.Fatal(err)
	}
	inv, _ = s.Get(acct, inv.Key)
	var rem Record
	err := s.Update(func(tx *Tx) (err error) {
		rem, _, err = tx.FileReminder(acct, inv, loc(20, "reminder-8@linkedin.com"))
		return err
	})
	if err != nil || rem.Action.State != Skipped || !strings.Contains(rem.Action.Note, "message gone") {
		t.Errorf("FileReminder of a skipped invitation = %s (%q), %v; want skipped, saying why", rem.Action.State, rem.Action.Note, err)
	}
	if n, _, _ := s.PendingCount(acct); n != 0 {
		t.Errorf("PendingCount = %d, want 0", n)
	}
}

// SameMessage knows a message by its Message-ID as inbox reads it now (an
// older triage kept control characters in it) or by its UID.
func TestSameMessage(t *testing.T) {
	for _, c := range []struct {
		a, b Location
		want bool
	}{
		{loc(10, "a\x01b@x"), Location{UID: 99, MessageID: "ab@x"}, true},
		{loc(10, "a@x"), loc(10, "b@x"), true},
		{loc(10, "a@x"), Location{Mailbox: "INBOX", UIDValidity: 8, UID: 10, MessageID: "b@x"}, false},
		{loc(10, "a@x"), loc(11, "b@x"), false},
		{loc(0, ""), loc(0, ""), false},
	} {
		if got := SameMessage(c.a, c.b); got != c.want {
			t.Errorf("SameMessage(%+v, %+v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestRescanRelocatesUnactedRecord(t *testing.T) {
	// Stored by this triage, and by an older one that kept a control
	// character in the Message-ID (inbox drops it now): the same message.
	for _, stored := range []string{"m@linkedin.com", "m\x01@linkedin.com"} {
		s := newStore(t, t.TempDir())
		inv := invitation("6900003", "m@linkedin.com", "Ken Thompson")
		put(t, s, NewRecord(inv, 0, decision(policy.Clarify, 1), nil, loc(10, stored), t0))
		// After a UIDVALIDITY change the rescan finds the same message anew.
		moved := Location{Mailbox: "INBOX", UIDValidity: 8, UID: 3, MessageID: "m@linkedin.com"}
		got, res := put(t, s, NewRecord(inv, 0, decision(policy.Clarify, 1), nil, moved, t0))
		if res != Unchanged || got.Location != moved {
			t.Errorf("stored as %q: Put(same message, new UID) = %v at %+v, want unchanged at %+v", stored, res, got.Location, moved)
		}
		if r, _ := s.Get(acct, KeyOf(inv, 0)); r.Location != moved || len(r.Reminders) != 0 {
			t.Errorf("stored as %q: stored location %+v reminders %d, want %+v and none", stored, r.Location, len(r.Reminders), moved)
		}
	}
	s := newStore(t, t.TempDir())
	inv := invitation("6900003", "m@linkedin.com", "Ken Thompson")
	put(t, s, NewRecord(inv, 0, decision(policy.Clarify, 1), nil, loc(10, ""), t0))
	other := Location{Mailbox: "LinkedIn", UIDValidity: 1, UID: 77, MessageID: "m@linkedin.com"}
	if err := s.Relocate(acct, KeyOf(inv, 0), other); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Get(acct, KeyOf(inv, 0)); r.Location != other {
		t.Errorf("after Relocate: location %+v, want %+v", r.Location, other)
	}
}

func TestActionLifecycle(t *testing.T) {
	s := newStore(t, t.TempDir())
	for i, id := range []string{"1", "2", "3"} {
		put(t, s, NewRecord(invitation(id, "m"+id+"@linkedin.com", "Person "+id), 0, decision(policy.Verdict(i), 4), nil, loc(uint32(30-i), ""), t0))
	}
	keys := func(recs []Record, err error) string {
		if err != nil {
			return err.Error()
		}
		var k []string
		for _, r := range recs {
			k = append(k, r.Key)
		}
		return strings.Join(k, ",")
	}
	check := func(step, wantPending, wantUnconfirmed string) {
		t.Helper()
		if got := keys(s.Pending(acct)); got != wantPending {
			t.Errorf("%s: Pending = %q, want %q", step, got, wantPending)
		}
		if got := keys(s.Unconfirmed(acct)); got != wantUnconfirmed {
			t.Errorf("%s: Unconfirmed = %q, want %q", step, got, wantUnconfirmed)
		}
	}
	// Ordered by UID: inv:3 is at 28, inv:2 at 29, inv:1 at 30.
	check("decided", "inv:3,inv:2,inv:1", "")

	if err := s.MarkDone(acct, "inv:1", t0); !errors.Is(err, ErrState) {
		t.Errorf("MarkDone without an intent = %v, want ErrState", err)
	}
	plan := []string{"keyword $Triage_clarify", "move LinkedIn/Clarify"}
	if err := s.MarkIntent(acct, "inv:1", plan); err != nil {
		t.Fatal(err)
	}
	check("intent on 1", "inv:3,inv:2", "inv:1")
	r, _ := s.Get(acct, "inv:1")
	if !slices.Equal(r.Action.Planned, plan) || r.Action.Target == nil || *r.Action.Target != r.Location || r.Action.IntentAt.IsZero() {
		t.Errorf("intent recorded as %+v, want the plan and the location %+v", r.Action, r.Location)
	}
	at := t0.Add(time.Hour)
	if err := s.MarkDone(acct, "inv:1", at); err != nil {
		t.Fatal(err)
	}
	check("done 1", "inv:3,inv:2", "")
	r, _ = s.Get(acct, "inv:1")
	if r.Action.State != Done || !r.Action.DoneAt.Equal(at) {
		t.Errorf("after MarkDone: %+v, want done at %v", r.Action, at)
	}
	var what []string
	for _, e := range r.Log {
		what = append(what, e.What)
	}
	if got := strings.Join(what, ","); got != "decided,intent,done" {
		t.Errorf("log = %q, want decided,intent,done", got)
	}
	for name, err := range map[string]error{
		"MarkIntent after done":  s.MarkIntent(acct, "inv:1", plan),
		"MarkSkipped after done": s.MarkSkipped(acct, "inv:1", "gone"),
		"MarkDone twice":         s.MarkDone(acct, "inv:1", at),
		"MarkIntent missing":     s.MarkIntent(acct, "inv:404", plan),
	} {
		want := ErrState
		if strings.HasSuffix(name, "missing") {
			want = ErrNotFound
		}
		if !errors.Is(err, want) {
			t.Errorf("%s = %v, want %v", name, err, want)
		}
	}

	// Skipped, from pending and from intent: never listed again.
	if err := s.MarkSkipped(acct, "inv:2", "message gone (moved or deleted by the user)"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkIntent(acct, "inv:3", plan); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSkipped(acct, "inv:3", "message gone"); err != nil {
		t.Fatal(err)
	}
	check("skipped 2 and 3", "", "")
	r, _ = s.Get(acct, "inv:2")
	if r.Action.State != Skipped || r.Action.Note == "" {
		t.Errorf("skipped record action = %+v, want skipped with a note", r.Action)
	}
	// A reminder for a skipped invitation does not reopen it.
	rem := invitation("2", "rem2@linkedin.com", "Person 2")
	rem.Reminder = true
	put(t, s, NewRecord(rem, 0, decision(policy.Accept, 9), nil, loc(80, ""), t0))
	check("reminder after skip", "", "")
}

func TestReview(t *testing.T) {
	s := newStore(t, t.TempDir())
	draft := &reply.Draft{To: "Rob", Subject: "Your request", Body: "What is it that impressed you?"}
	put(t, s, NewRecord(invitation("77", "r@linkedin.com", "Rob Pike"), 0, decision(policy.Clarify, 1), draft, loc(5, ""), t0))
	r, _ := s.Get(acct, "inv:77")
	if r.EffectiveVerdict() != policy.Clarify || r.EffectiveDraft().Body != draft.Body || r.Review != nil {
		t.Errorf("before review: verdict %v draft %+v review %+v, want the suggestion", r.EffectiveVerdict(), r.EffectiveDraft(), r.Review)
	}
	edited := &reply.Draft{To: "Rob", Subject: "Your request", Body: "Hi Rob, what would you like to work on?"}
	if err := s.SetReview(acct, "inv:77", Review{Verdict: policy.Accept, Note: "met at FOSDEM", Draft: edited}); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Get(acct, "inv:77")
	if r.EffectiveVerdict() != policy.Accept || r.Suggested != policy.Clarify || r.EffectiveDraft().Body != edited.Body || r.Review.DecidedAt.IsZero() || r.Review.Note != "met at FOSDEM" {
		t.Errorf("after review: effective %v suggested %v draft %+v review %+v", r.EffectiveVerdict(), r.Suggested, r.EffectiveDraft(), r.Review)
	}
	if p, _ := s.Pending(acct); len(p) != 1 || p[0].EffectiveVerdict() != policy.Accept {
		t.Errorf("Pending after review = %+v, want the record with the reviewed verdict", p)
	}
}

func TestParseErrorRetries(t *testing.T) {
	s := newStore(t, t.TempDir())
	if s.MaxAttempts() != DefaultMaxAttempts {
		t.Fatalf("MaxAttempts = %d, want %d", s.MaxAttempts(), DefaultMaxAttempts)
	}
	retries := func() []uint32 {
		t.Helper()
		list, err := s.Retries(acct, "INBOX", 7)
		if err != nil {
			t.Fatal(err)
		}
		var uids []uint32
		for _, pe := range list {
			uids = append(uids, pe.Location.UID)
		}
		return uids
	}
	for attempt := 1; attempt <= 4; attempt++ {
		n, err := s.RecordError(acct, "INBOX", 7, 42, "bad@linkedin.com", fmt.Sprintf("message uid 42: quoted-printable body truncated (try %d)", attempt))
		if err != nil || n != attempt {
			t.Fatalf("RecordError attempt %d = %d, %v", attempt, n, err)
		}
		want := []uint32{42}
		if attempt >= DefaultMaxAttempts {
			want = nil
		}
		if got := retries(); !slices.Equal(got, want) {
			t.Errorf("after %d failures: Retries = %v, want %v", attempt, got, want)
		}
	}
	// A given-up message stays listed for reports.
	all, err := s.Errors(acct)
	if err != nil || len(all) != 1 || all[0].Attempts != 4 || !strings.Contains(all[0].Err, "try 4") || all[0].Location.MessageID != "bad@linkedin.com" {
		t.Errorf("Errors = %+v, %v; want the one message with 4 attempts", all, err)
	}
	// Other mailboxes and UIDVALIDITYs are separate.
	s.RecordError(acct, "INBOX", 7, 43, "", "x")
	s.RecordError(acct, "INBOX2", 7, 44, "", "x")
	s.RecordError(acct, "INBOX", 6, 45, "", "x")
	if got := retries(); !slices.Equal(got, []uint32{43}) {
		t.Errorf("Retries(INBOX, 7) = %v, want [43]", got)
	}
	// Success clears: by Put at the same location, or by ClearError.
	put(t, s, NewRecord(invitation("5", "ok@linkedin.com", "Ok Person"), 0, decision(policy.Accept, 5), nil, loc(43, ""), t0))
	if got := retries(); got != nil {
		t.Errorf("after Put at uid 43: Retries = %v, want none", got)
	}
	if err := s.ClearError(acct, "INBOX", 7, 42); err != nil {
		t.Fatal(err)
	}
	// A UIDVALIDITY change drops the old UIDs' errors.
	s.SetPosition(acct, "INBOX", 6, 100)
	s.SetPosition(acct, "INBOX", 7, 100)
	all, _ = s.Errors(acct)
	if len(all) != 1 || all[0].Location.Mailbox != "INBOX2" {
		t.Errorf("Errors after clearing and a UIDVALIDITY change = %+v, want only INBOX2's", all)
	}
}

func TestSecretStaysOut(t *testing.T) {
	r := NewRecord(invitation("88", "s@linkedin.com", "Sec Ret"), 0, decision(policy.Accept, 5), nil, loc(1, ""), t0)
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("decided", "record", r, "url", r.Inviter.AcceptURL)
	js, _ := json.Marshal(r)
	jsField, _ := json.Marshal(struct{ URL Secret }{r.Inviter.AcceptURL})
	outputs := map[string]string{
		"%v":         fmt.Sprintf("%v", r),
		"%+v":        fmt.Sprintf("%+v", r),
		"%#v":        fmt.Sprintf("%#v", r),
		"%s":         fmt.Sprintf("%s", r.Inviter.AcceptURL),
		"%q":         fmt.Sprintf("%q", r.Inviter.AcceptURL),
		"%x":         fmt.Sprintf("%x", r.Inviter.AcceptURL),
		"json":       string(js),
		"json field": string(jsField),
		"slog":       logBuf.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, "SECRET") || strings.Contains(out, "534543524554") {
			t.Errorf("%s output shows the accept link: %s", name, out)
		}
	}
	if !strings.Contains(outputs["%s"], "[redacted]") {
		t.Errorf("%%s of a Secret = %q, want [redacted]", outputs["%s"])
	}
	if !strings.Contains(r.Inviter.AcceptURL.Reveal(), "SECRETmid") {
		t.Errorf("Reveal() = %q, want the link", r.Inviter.AcceptURL.Reveal())
	}
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "triage")
	s := newStore(t, dir)
	unlock, err := s.LockSweep(acct)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	for path, want := range map[string]os.FileMode{
		dir:                                   0o700,
		filepath.Join(dir, "state.db"):        0o600,
		filepath.Join(dir, "sweep-work.lock"): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("mode of %s = %o, want %o", path, got, want)
		}
	}
	// A state file that became world-readable is tightened on open.
	db := filepath.Join(dir, "state.db")
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	newStore(t, dir)
	if fi, _ := os.Stat(db); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after reopening a 0644 state file = %o, want 600", fi.Mode().Perm())
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	newStore(t, dir)
	db, err := bolt.Open(filepath.Join(dir, "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyVersion, []byte("99")) })
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("Open of a schema-99 file = %v, want ErrNewerSchema", err)
	}
}

func TestLockSweepInProcess(t *testing.T) {
	s := newStore(t, t.TempDir())
	unlock, err := s.LockSweep(acct)
	if err != nil {
		t.Fatalf("first LockSweep = %v", err)
	}
	// flock belongs to the open file description: a second open in the
	// same process is refused like another process would be.
	errc := make(chan error)
	go func() { _, err := s.LockSweep(acct); errc <- err }()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
			t.Errorf("second LockSweep = %v, want ErrLocked naming pid %d", err, os.Getpid())
		}
	case <-time.After(2 * time.Second):
		t.Fatal("second LockSweep blocked; want ErrLocked at once")
	}
	// Another account is independent.
	unlockOther, err := s.LockSweep("personal")
	if err != nil {
		t.Errorf("LockSweep(other account) = %v, want nil", err)
	} else {
		unlockOther()
	}
	// Other commands still use the store while the sweep lock is held.
	if err := s.SetPosition(acct, "INBOX", 1, 1); err != nil {
		t.Errorf("SetPosition under the sweep lock = %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatalf("unlock = %v", err)
	}
	if err := unlock(); err == nil {
		t.Errorf("second unlock = nil, want an error")
	}
	unlock, err = s.LockSweep(acct)
	if err != nil {
		t.Fatalf("LockSweep after unlock = %v", err)
	}
	unlock()
}

func TestLockName(t *testing.T) {
	names := []string{"work", "Work", "a/b", "a%2Fb", "..", "", "x y", "ünï"}
	seen := map[string]string{}
	for _, n := range names {
		got := lockName(n)
		if strings.ContainsAny(got, "/\\. ") || got != "" && filepath.Base(got) != got {
			t.Errorf("lockName(%q) = %q, not a plain file name part", n, got)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("lockName(%q) = lockName(%q) = %q", n, prev, got)
		}
		seen[got] = n
	}
}

func TestBusyTimeoutAndSharedReaders(t *testing.T) {
	dir := t.TempDir()
	writer := newStore(t, dir)
	put(t, writer, NewRecord(invitation("1", "a@linkedin.com", "A B"), 0, decision(policy.Accept, 5), nil, loc(1, ""), t0))
	// The timeout leaves room for a loaded machine (CI shares two CPUs):
	// a short write below must not reach it.
	waiter, err := OpenOptions(dir, Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}

	// Readers share the file: a read inside a read does not wait.
	err = writer.View(func(*Tx) error {
		start := time.Now()
		_, err := waiter.Records(acct)
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("a second reader waited %v for the first", d)
		}
		return err
	})
	if err != nil {
		t.Fatalf("nested reads = %v", err)
	}

	// While a write transaction runs, another opener waits at most its
	// timeout and then fails with ErrBusy.
	err = writer.Update(func(*Tx) error {
		start := time.Now()
		errc := make(chan error, 1)
		go func() { _, err := waiter.Position(acct, "INBOX"); errc <- err }()
		var err error
		select {
		case err = <-errc:
		case <-time.After(5 * time.Second):
			t.Fatal("Position during a write still waiting after 5s; want ErrBusy after the 1s timeout")
		}
		d := time.Since(start)
		if !errors.Is(err, ErrBusy) {
			t.Errorf("Position during a write = %v, want ErrBusy", err)
		}
		if d < 800*time.Millisecond || d > 4*time.Second {
			t.Errorf("Position during a write gave up after %v, want about the 1s timeout", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A writer that finishes within the timeout only delays the other.
	release := make(chan struct{})
	held := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- writer.Update(func(*Tx) error { close(held); <-release; return nil })
	}()
	<-held
	time.AfterFunc(100*time.Millisecond, func() { close(release) })
	if _, err := waiter.Pending(acct); err != nil {
		t.Errorf("Pending after a short write = %v, want it to wait and succeed", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func BenchmarkIncremental(b *testing.B) {
	// The store work of a sweep that finds nothing new: open, read the
	// position and the open actions, close, on a store of n invitations,
	// as after a first sweep of a large mailbox. "done": every action was
	// applied, so only the count is read; "pending": a dry run left every
	// action pending, and all are listed page by page as the sweep lists
	// them (with the digest check per message); "pending-brief" reads
	// them brief, as a dry run's listing does.
	for _, n := range []int{2000, 10000} {
		for _, variant := range []string{"done", "pending", "pending-brief"} {
			st, brief := Done, false
			if variant != "done" {
				st, brief = Pending, variant == "pending-brief"
			}
			b.Run(fmt.Sprintf("%d-%s", n, variant), func(b *testing.B) {
				s := newStore(b, b.TempDir())
				err := s.Update(func(tx *Tx) error {
					for i := range n {
						id := fmt.Sprint(7000000 + i)
						mid := id + "@linkedin.com"
						r := NewRecord(invitation(id, mid, "Person "+id), 0, decision(policy.Accept, 5), nil, loc(uint32(i+1), mid), t0)
						r.Action.State = st
						if _, _, err := tx.Put(acct, r); err != nil {
							return err
						}
					}
					return tx.SetPosition(acct, "INBOX", 7, uint32(n))
				})
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					p, err := s.Position(acct, "INBOX")
					if err != nil || p.LastUID != uint32(n) {
						b.Fatalf("Position = %+v, %v", p, err)
					}
					np, _, err := s.PendingCount(acct)
					if err != nil {
						b.Fatal(err)
					}
					listed, cursor := 0, ""
					for np > 0 {
						err := s.View(func(tx *Tx) (err error) {
							page := tx.OpenPage
							if brief {
								page = tx.OpenBriefPage
							}
							cursor, err = page(acct, Pending, cursor, 256, func(r Record) error {
								listed++
								_, err := tx.VerdictsDisagree(acct, r.Location.MessageID)
								return err
							})
							return err
						})
						if err != nil {
							b.Fatal(err)
						}
						if cursor == "" {
							break
						}
					}
					if want := map[ActionState]int{Done: 0, Pending: n}[st]; listed != want || np != want {
						b.Fatalf("listed %d, PendingCount %d, want %d", listed, np, want)
					}
				}
			})
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	dir := b.TempDir()
	newStore(b, dir)
	for b.Loop() {
		if _, err := Open(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSetPosition(b *testing.B) {
	// One write transaction: open, write, fsync, close.
	s := newStore(b, b.TempDir())
	var uid uint32
	for b.Loop() {
		uid++
		if err := s.SetPosition(acct, "INBOX", 7, uid); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPutBatch100(b *testing.B) {
	// A sweep recording 100 new invitations in one Update.
	s := newStore(b, b.TempDir())
	n := 0
	for b.Loop() {
		err := s.Update(func(tx *Tx) error {
			for range 100 {
				n++
				id := fmt.Sprint(n)
				if _, _, err := tx.Put(acct, NewRecord(invitation(id, id+"@linkedin.com", "P "+id), 0, decision(policy.Accept, 5), nil, loc(uint32(n), ""), t0)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// TestReminderOfInvitationWithoutMessageID files a reminder of an
// invitation whose email had no Message-ID: its record names the
// invitation's source instead, so it still says whose reminder it is.
func TestReminderOfInvitationWithoutMessageID(t *testing.T) {
	s := newStore(t, t.TempDir())
	of, _ := put(t, s, NewRecord(invitation("6900099", "", "Nameless Message"), 0, decision(policy.Accept, 5), nil, loc(10, ""), t0))
	if of.Location.MessageID != "" {
		t.Fatalf("the invitation's record has Message-ID %q, want none", of.Location.MessageID)
	}
	var rem Record
	if err := s.Update(func(tx *Tx) (err error) {
		rem, _, err = tx.FileReminder(acct, of, loc(40, "<rem@x>"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if want := inbox.Source(acct, "INBOX", 7, 10); rem.ReminderOf != want {
		t.Errorf("ReminderOf = %q, want the invitation's source %q", rem.ReminderOf, want)
	}
}

// TestWindow keeps the searches to repeat with the position: a later
// SetPosition under the same UIDVALIDITY keeps them, a new UIDVALIDITY
// drops them (their UIDs name other messages), and a window cannot be
// recorded under a UIDVALIDITY the position is not under.
func TestWindow(t *testing.T) {
	s := newStore(t, t.TempDir())
	at := t0.UTC()
	w := Window{Recheck: []Span{{From: 91, To: 100, At: at}}, Seen: []uint32{93, 97}}
	err := s.Update(func(tx *Tx) error {
		if err := tx.SetPosition(acct, "INBOX", 7, 100); err != nil {
			return err
		}
		return tx.SetWindow(acct, "INBOX", 7, w)
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := newStore(t, s.Dir()).Position(acct, "INBOX")
	if err != nil || p.LastUID != 100 || !slices.Equal(p.Recheck, w.Recheck) || !slices.Equal(p.Seen, w.Seen) {
		t.Fatalf("Position = %+v, %v; want LastUID 100 and window %+v", p, err, w)
	}
	if err := s.SetPosition(acct, "INBOX", 7, 120); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Position(acct, "INBOX"); p.LastUID != 120 || !slices.Equal(p.Recheck, w.Recheck) || !slices.Equal(p.Seen, w.Seen) {
		t.Errorf("after SetPosition(7, 120): Position = %+v, want the window kept", p)
	}
	if err := s.Update(func(tx *Tx) error { return tx.SetWindow(acct, "INBOX", 9, w) }); err == nil {
		t.Errorf("SetWindow under UIDVALIDITY 9 while the position is under 7 = nil, want an error")
	}
	if err := s.SetPosition(acct, "INBOX", 9, 5); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Position(acct, "INBOX"); p.LastUID != 5 || p.Recheck != nil || p.Seen != nil {
		t.Errorf("after a new UIDVALIDITY: Position = %+v, want no window", p)
	}
}
