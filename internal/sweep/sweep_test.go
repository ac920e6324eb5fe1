package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
)

func memOptions(t *testing.T, ms *memServer, mailbox string) Options {
	t.Helper()
	p, d := testPolicy(t)
	return Options{
		Account:  ms.account(t, mailbox),
		Policy:   p,
		Drafter:  d,
		Actions:  testActions,
		StoreDir: t.TempDir(),
		now:      ms.clock.now,
	}
}

func openStore(t *testing.T, dir string) *state.Store {
	t.Helper()
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sources(entries []report.Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Source)
	}
	return out
}

// A scheduled sweep handles only the mail that arrived since the last one,
// and an unchanged mailbox costs no FETCH, and no SEARCH once the recent
// range has been searched again (TestSearchIndexLag).
func TestIncremental(t *testing.T) {
	ms := newMemServer(t)
	u1 := ms.deliver("INBOX", fixture(t, fx2022))
	ms.deliver("INBOX", ordinary(1))
	u3 := ms.deliver("INBOX", fixture(t, fx2023))
	o := memOptions(t, ms, "INBOX")
	o.page = 1 // carried-over invitations are listed a page each, in order

	sum, entries := run(t, o)
	fresh, carried := invitations(entries)
	if sum.New != 2 || len(fresh) != 2 || len(carried) != 0 || sum.Candidates != 2 || sum.Fetched != 2 {
		t.Fatalf("first sweep: %+v, %d new and %d carried-over entries; want 2 candidates fetched, 2 new", sum, len(fresh), len(carried))
	}
	wantSrc := []string{inbox.Source("mem", "INBOX", 1, u1), inbox.Source("mem", "INBOX", 1, u3)}
	if got := sources(fresh); !slices.Equal(got, wantSrc) {
		t.Errorf("first sweep sources = %q, want %q", got, wantSrc)
	}
	for _, e := range fresh {
		if e.Applied == nil || *e.Applied || len(e.Actions) == 0 {
			t.Errorf("%s: applied %v actions %q; want a pending action", e.Source, show(e.Applied), e.Actions)
		}
	}
	if n := ms.count("SEARCH"); n != 1 {
		t.Errorf("first sweep sent %d SEARCH, want 1", n)
	}
	if n := ms.count("STORE") + ms.count("MOVE") + ms.count("COPY"); n != 0 {
		t.Errorf("a dry sweep changed the mailbox (%d commands)", n)
	}

	// Nothing new: the recent range searched again (see recheckFor), no
	// FETCH; once a sweep recheckFor later has searched it, no SEARCH
	// either. The pending actions are listed again each time.
	for i, step := range []struct {
		after    time.Duration
		searches int
	}{{0, 1}, {recheckFor, 1}, {time.Minute, 0}} {
		ms.clock.advance(step.after)
		searches, fetches := ms.count("SEARCH"), ms.count("FETCH")
		sum, entries = run(t, o)
		if n := ms.count("SEARCH") - searches; n != step.searches || ms.count("FETCH") != fetches {
			t.Errorf("unchanged mailbox, sweep %d, %v later: sent %d SEARCH and %d FETCH, want %d SEARCH and no FETCH",
				i+2, step.after, n, ms.count("FETCH")-fetches, step.searches)
		}
	}
	fresh, carried = invitations(entries)
	if sum.New != 0 || sum.Candidates != 0 || len(fresh) != 0 || len(carried) != 2 || sum.Pending != 2 {
		t.Errorf("unchanged mailbox: %+v, %d new and %d carried entries; want 0 new, 2 carried over", sum, len(fresh), len(carried))
	}
	if got := sources(carried); !slices.Equal(got, wantSrc) {
		t.Errorf("carried-over sources = %q, want %q", got, wantSrc)
	}

	// One more invitation and one more ordinary mail: only they are looked at.
	searches := ms.count("SEARCH")
	ms.deliver("INBOX", ordinary(2))
	u5 := ms.deliver("INBOX", fixture(t, fx2026))
	sum, entries = run(t, o)
	fresh, carried = invitations(entries)
	if sum.Candidates != 1 || sum.Fetched != 1 || sum.New != 1 || len(fresh) != 1 || len(carried) != 2 {
		t.Fatalf("after new mail: %+v, %d new and %d carried entries; want 1 candidate, 1 new, 2 carried", sum, len(fresh), len(carried))
	}
	if fresh[0].Source != inbox.Source("mem", "INBOX", 1, u5) {
		t.Errorf("new entry source = %q, want uid %d", fresh[0].Source, u5)
	}
	if n := ms.count("SEARCH") - searches; n != 1 {
		t.Errorf("sweep after new mail sent %d SEARCH, want 1", n)
	}
	pos, err := openStore(t, o.StoreDir).Position("mem", "INBOX")
	if err != nil || pos.LastUID != u5 {
		t.Errorf("position = %+v, %v; want last UID %d", pos, err, u5)
	}
}

// A new UIDVALIDITY means the old UIDs are meaningless: the mailbox is
// rescanned, and invitations already recorded are found again by their
// keys, not decided twice.
func TestUIDValidityChange(t *testing.T) {
	ms := newMemServer(t)
	raws := [][]byte{fixture(t, fx2016), ordinary(1), fixture(t, fx2025)}
	for _, r := range raws {
		ms.deliver("Work", r)
	}
	o := memOptions(t, ms, "Work")
	sum, _ := run(t, o)
	if sum.New != 2 {
		t.Fatalf("first sweep: %+v, want 2 new", sum)
	}
	store := openStore(t, o.StoreDir)
	before, err := store.Position("mem", "Work")
	if err != nil {
		t.Fatal(err)
	}

	// The server renumbers the mailbox (as after a restore).
	if err := ms.user.Delete("Work"); err != nil {
		t.Fatal(err)
	}
	var uids []uint32
	for _, r := range raws {
		uids = append(uids, ms.deliver("Work", r))
	}
	sum, entries := run(t, o)
	fresh, carried := invitations(entries)
	if sum.Candidates != 2 || sum.Fetched != 2 || sum.New != 0 || len(fresh) != 0 || len(carried) != 2 {
		t.Fatalf("after UIDVALIDITY change: %+v, %d new, %d carried; want a rescan of 2 with nothing new", sum, len(fresh), len(carried))
	}
	after, err := store.Position("mem", "Work")
	if err != nil {
		t.Fatal(err)
	}
	if after.UIDValidity == before.UIDValidity || after.LastUID != uids[2] {
		t.Errorf("position %+v after the change, %+v before; want the new UIDVALIDITY and last UID %d", after, before, uids[2])
	}
	// The records follow their messages to the new UIDs.
	want := []string{inbox.Source("mem", "Work", after.UIDValidity, uids[0]), inbox.Source("mem", "Work", after.UIDValidity, uids[2])}
	if got := sources(carried); !slices.Equal(got, want) {
		t.Errorf("carried-over sources = %q, want %q", got, want)
	}
	recs, err := store.Records("mem")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Errorf("%d records after the rescan, want 2", len(recs))
	}
	for _, r := range recs {
		if n := countEvents(r, "decided"); n != 1 {
			t.Errorf("record %s decided %d times, want once", r.Key, n)
		}
	}
}

func countEvents(r state.Record, what string) int {
	n := 0
	for _, e := range r.Log {
		if e.What == what {
			n++
		}
	}
	return n
}

// filedOnce delivers raw and sweeps it with --apply, with options where
// every verdict moves its message to LinkedIn/Filed (so where a message
// ends up shows what was done to it), and returns the server, the options
// (Apply set) and the summary.
func filedOnce(t *testing.T, raw []byte) (*memServer, Options, Summary) {
	t.Helper()
	ms := newMemServer(t)
	ms.deliver("INBOX", raw)
	o := memOptions(t, ms, "INBOX")
	for _, a := range []*inbox.Action{&o.Actions.Accept, &o.Actions.Ignore, &o.Actions.Clarify} {
		a.MoveTo = "LinkedIn/Filed"
	}
	o.Apply = true
	sum, _ := run(t, o)
	return ms, o, sum
}

// sweepCopy delivers raw again with the Message-ID id and sweeps without
// --apply; it returns the summary and the new and other invitation
// entries.
func sweepCopy(t *testing.T, ms *memServer, o Options, raw []byte, id string) (Summary, []report.Entry, []report.Entry) {
	t.Helper()
	ms.deliver("INBOX", withMessageID(t, raw, id))
	o.Apply = false
	sum, entries := run(t, o)
	fresh, carried := invitations(entries)
	return sum, fresh, carried
}

// LinkedIn sends the same invitation again as a reminder: it is recorded on
// the invitation, with no second decision, and its message is filed as the
// invitation's was: listed as a pending action (not new) by a dry run,
// carried out by --apply, once.
func TestReminderFiledAsItsInvitation(t *testing.T) {
	raw := fixture(t, fxReminder)
	ms, o, sum := filedOnce(t, raw)
	if sum.New != 1 || sum.Applied != 1 {
		t.Fatalf("first sweep: %+v, want 1 new, applied", sum)
	}
	const again = "second-reminder@linkedin.com"
	sum, fresh, carried := sweepCopy(t, ms, o, raw, again)
	if sum.New != 0 || sum.Reminders != 1 || sum.Pending != 1 || len(fresh) != 0 || len(carried) != 1 {
		t.Fatalf("dry sweep after the reminder: %+v, %d new, %d other entries; want 1 reminder pending, nothing new", sum, len(fresh), len(carried))
	}
	st := openStore(t, o.StoreDir)
	r, err := st.Get("mem", "inv:7312347649078515867")
	if err != nil {
		t.Fatal(err)
	}
	if n := countEvents(r, "decided"); n != 1 {
		t.Errorf("record decided %d times, want once", n)
	}
	if len(r.Reminders) != 1 || r.Reminders[0].Location.MessageID != again {
		t.Errorf("record reminders = %+v, want %s", r.Reminders, again)
	}
	e := carried[0]
	wantSteps := o.Actions.For(r.Suggested).Steps(true)
	if e.Source != inbox.Source("mem", "INBOX", 1, 2) || e.MessageID != again || !e.Reminder ||
		e.Verdict != r.Suggested || e.Score != r.Score || !slices.Equal(e.Actions, wantSteps) || e.Applied == nil || *e.Applied {
		t.Errorf("listed %s %s reminder=%v verdict %v score %d actions %q applied %v; want uid 2, the invitation's verdict %v and score %d, actions %q, not applied",
			e.Source, e.MessageID, e.Reminder, e.Verdict, e.Score, e.Actions, show(e.Applied), r.Suggested, r.Score, wantSteps)
	}
	// Its line says whose reminder it is; the invitation, which was
	// recorded from a reminder email too, has no such field.
	if e.ReminderOf == "" || e.ReminderOf != r.Location.MessageID {
		t.Errorf("the reminder's line: reminder_of %q, want the invitation's message_id %q", e.ReminderOf, r.Location.MessageID)
	}
	if !r.FromReminder || r.ReminderOf != "" {
		t.Errorf("the invitation's record: from reminder %v, reminder of %q; want a record made from a reminder email, of no other", r.FromReminder, r.ReminderOf)
	}

	o.Apply = true
	sum, entries := run(t, o)
	if _, carried = invitations(entries); sum.Applied != 1 || sum.Pending != 0 || len(carried) != 1 || !*carried[0].Applied {
		t.Fatalf("apply: %+v, %d entries; want the reminder's actions applied", sum, len(carried))
	}
	if inb := ms.messages("INBOX"); len(inb) != 0 {
		t.Errorf("INBOX holds %+v after --apply; want both messages filed", inb)
	}
	filed := ms.messages("LinkedIn/Filed")
	kw := o.Actions.For(r.Suggested).Keyword
	if len(filed) != 2 || !filed[0].has(kw) || !filed[1].has(kw) {
		t.Errorf("LinkedIn/Filed holds %+v; want the invitation and its reminder, with %s", filed, kw)
	}

	// Nothing is done twice, not even when the mailbox is swept again
	// from the start.
	o.All = true
	acted := ms.count("STORE") + ms.count("MOVE")
	if sum, entries = run(t, o); sum.Applied != 0 || sum.Pending != 0 || sum.New != 0 || len(entries) != 0 {
		t.Errorf("sweep --all --apply after it: %+v, %d entries; want nothing to do", sum, len(entries))
	}
	if n := ms.count("STORE") + ms.count("MOVE"); n != acted {
		t.Errorf("the last sweep sent %d STORE or MOVE commands; want none", n-acted)
	}
}

// A digest repeating invitations already recorded is filed as a digest
// carrying them would be: its invitations disagree, so it gets each one's
// keyword and does not move.
func TestRepeatedDigestFiledByKeywords(t *testing.T) {
	raw := fixture(t, fxDigest)
	ms, o, first := filedOnce(t, raw)
	if first.New < 2 || first.Applied != first.New {
		t.Fatalf("first sweep: %+v; want the digest's invitations decided and applied", first)
	}
	const again = "digest-again@linkedin.com"
	sum, _, carried := sweepCopy(t, ms, o, raw, again)
	if sum.New != 0 || sum.Reminders != first.New || len(carried) != first.New {
		t.Fatalf("dry sweep of the repeat: %+v, %d entries; want %d reminders listed, nothing new", sum, len(carried), first.New)
	}
	kws := map[string]bool{}
	for _, e := range carried {
		kw := o.Actions.For(e.Verdict).Keyword
		kws[strings.ToLower(kw)] = true
		if e.MessageID != again || !slices.Equal(e.Actions, []string{"keyword " + kw}) {
			t.Errorf("%s listed on %s with actions %q; want %s with its keyword only", e.Inviter.Name, e.MessageID, e.Actions, again)
		}
	}
	if len(kws) < 2 {
		t.Fatalf("the digest's invitations agree (%v); the test needs them to disagree", kws)
	}
	o.Apply = true
	if sum, _ = run(t, o); sum.Applied != first.New {
		t.Errorf("apply: %+v; want %d applied", sum, first.New)
	}
	inb := ms.messages("INBOX")
	if len(inb) != 2 || inb[1].MessageID != again {
		t.Fatalf("INBOX holds %+v; want both digests still there", inb)
	}
	for kw := range kws {
		if !inb[1].has(kw) {
			t.Errorf("the repeated digest has %q; want %s among them", inb[1].Flags, kw)
		}
	}

	// Both digests stay in INBOX: a rescan meets them again, and files
	// nothing twice.
	o.All = true
	acted := ms.count("STORE") + ms.count("MOVE") + ms.count("COPY")
	if sum, _ = run(t, o); sum.Applied != 0 || sum.Pending != 0 || sum.New != 0 {
		t.Errorf("sweep --all --apply after it: %+v; want nothing to do", sum)
	}
	if n := ms.count("STORE") + ms.count("MOVE") + ms.count("COPY"); n != acted {
		t.Errorf("the rescan sent %d STORE, MOVE or COPY commands; want none", n-acted)
	}
}

// A digest carrying new invitations and one already recorded (decided
// otherwise) is one message that cannot go two ways: the new ones and the
// recorded one's reminder all get their keywords only, and the message
// stays where it is.
func TestMixedDigestKeywordsOnly(t *testing.T) {
	ms := newMemServer(t)
	raw := fixture(t, fxDigest)
	msg, err := inbox.ParseBytes(raw)
	if err != nil || len(msg.Invitations) < 2 {
		t.Fatalf("digest fixture: %d invitations, %v", len(msg.Invitations), err)
	}
	o := memOptions(t, ms, "INBOX")
	o.Actions.Accept.MoveTo, o.Actions.Clarify.MoveTo = "LinkedIn/Accept", "LinkedIn/Clarify"
	// The first invitation was met earlier, in a message since gone, and
	// ignored.
	known := msg.Invitations[0]
	known.MessageID = "earlier@linkedin.com"
	earlier := state.Location{Mailbox: "INBOX", UIDValidity: 1, UID: 999, MessageID: known.MessageID}
	if _, _, err := openStore(t, o.StoreDir).Put("mem", state.NewRecord(known, 0, policy.Decision{Verdict: policy.Ignore, Score: -9}, nil, earlier, time.Now())); err != nil {
		t.Fatal(err)
	}
	ms.deliver("INBOX", raw)

	sum, entries := run(t, o)
	fresh, carried := invitations(entries)
	if sum.New != len(msg.Invitations)-1 || sum.Reminders != 1 || len(fresh) != sum.New {
		t.Fatalf("dry sweep: %+v, %d new entries; want %d new and 1 reminder", sum, len(fresh), len(msg.Invitations)-1)
	}
	var remAt []report.Entry
	for _, e := range carried {
		if e.MessageID == msg.MessageID {
			remAt = append(remAt, e)
		}
	}
	if len(remAt) != 1 || remAt[0].Verdict != policy.Ignore {
		t.Fatalf("listed at the digest: %+v; want the known invitation's reminder, ignore", remAt)
	}
	for _, e := range append(fresh, remAt...) {
		if want := []string{"keyword " + o.Actions.For(e.Verdict).Keyword}; !slices.Equal(e.Actions, want) {
			t.Errorf("%s (%s): actions %q, want %q alone", e.Inviter.Name, e.Verdict, e.Actions, want)
		}
	}

	o.Apply = true
	run(t, o)
	inb := ms.messages("INBOX")
	if len(inb) != 1 || !inb[0].has("$Triage_ignore") {
		t.Errorf("INBOX after --apply: %+v; want the digest, with $Triage_ignore among its keywords", inb)
	}
}

// A record an older triage stored with a Message-ID that inbox now reads
// differently (it held a control character) is met again by --all at its
// own UID: that is its own message, not a reminder of itself to file a
// second time, and the pending record takes the Message-ID as read now.
func TestRescanOwnMessageNotAReminder(t *testing.T) {
	ms := newMemServer(t)
	ms.deliver("INBOX", fixture(t, fx2022))
	o := memOptions(t, ms, "INBOX")
	_, entries := run(t, o)
	fresh, _ := invitations(entries)
	if len(fresh) != 1 {
		t.Fatalf("first sweep: %d new invitations, want 1", len(fresh))
	}
	fresh0 := fresh[0]
	key := "inv:" + fresh0.InvitationID
	st := openStore(t, o.StoreDir)
	r, err := st.Get("mem", key)
	if err != nil {
		t.Fatal(err)
	}
	legacy := r.Location
	legacy.MessageID = "\x01" + legacy.MessageID
	if err := st.Relocate("mem", key, legacy); err != nil {
		t.Fatal(err)
	}

	o.All = true
	sum, entries := run(t, o)
	fresh, carried := invitations(entries)
	if r, err := st.Get("mem", key); err != nil || len(r.Reminders) != 0 || r.Location.MessageID != fresh0.MessageID {
		t.Errorf("record after --all: %d sightings, Message-ID %q, %v; want none, and the Message-ID as read now (%q)", len(r.Reminders), r.Location.MessageID, err, fresh0.MessageID)
	}
	if sum.New != 0 || sum.Reminders != 0 || sum.Pending != 1 || len(fresh) != 0 || len(carried) != 1 || carried[0].Reminder {
		t.Errorf("sweep --all: %+v, %d new and %d other entries (first a reminder: %v); want the one invitation pending, no reminder to file",
			sum, len(fresh), len(carried), len(carried) > 0 && carried[0].Reminder)
	}
}

// An unreadable message does not hold back the position; it is tried
// again by the next sweeps, three times in all, then left alone.
func TestParseErrorRetriedThenGivenUp(t *testing.T) {
	ms := newMemServer(t)
	bad := ms.deliver("INBOX", fixture(t, fxBroken))
	o := memOptions(t, ms, "INBOX")
	for attempt := 1; attempt <= 3; attempt++ {
		ms.clock.advance(recheckFor)
		searches := ms.count("SEARCH")
		sum, entries, err := tryRun(t, o)
		if err != nil {
			t.Fatalf("sweep %d: %v (an unreadable message must not fail the sweep)", attempt, err)
		}
		errs := kinds(entries, report.KindError)
		if sum.Errors != 1 || sum.Fetched != 1 || len(errs) != 1 {
			t.Fatalf("sweep %d: %+v with %d error entries; want the message fetched again and 1 error", attempt, sum, len(errs))
		}
		if !strings.Contains(errs[0].Error, "quoted-printable") || !strings.Contains(errs[0].Error, "uid") ||
			!strings.Contains(errs[0].Error, "attempt "+string(rune('0'+attempt))+" of 3") {
			t.Errorf("sweep %d: error entry %q; want the uid, the problem and the attempt", attempt, errs[0].Error)
		}
		// The second sweep searches the first one's range again, as
		// every sweep does recheckFor after (see recheckFor).
		if attempt > 2 && ms.count("SEARCH") != searches {
			t.Errorf("sweep %d: retrying with nothing new sent a SEARCH", attempt)
		}
		pos, err := openStore(t, o.StoreDir).Position("mem", "INBOX")
		if err != nil || pos.LastUID != bad {
			t.Errorf("sweep %d: position %+v, %v; want it past the unreadable uid %d", attempt, pos, err, bad)
		}
	}
	fetches := ms.count("FETCH")
	sum, entries := run(t, o)
	if sum.Errors != 0 || sum.Fetched != 0 || len(kinds(entries, report.KindError)) != 0 || ms.count("FETCH") != fetches {
		t.Errorf("fourth sweep: %+v; want the message given up (not fetched, no error)", sum)
	}
	// Mail after it is still handled.
	ms.deliver("INBOX", fixture(t, fx2022))
	if sum, _ := run(t, o); sum.New != 1 || sum.Errors != 0 {
		t.Errorf("sweep after new mail: %+v, want 1 new and no error", sum)
	}
}

// A message the server will not send (Yahoo answers NO to every FETCH
// that holds it) spoils only itself: the other candidates of its batch
// are decided, it is reported and tried again by the next sweep, as an
// unreadable message is, and the position moves on.
func TestMessageNotServed(t *testing.T) {
	ms := newMemServer(t)
	first := ms.deliver("INBOX", fixture(t, fx2011))
	bad := ms.deliver("INBOX", fixture(t, fx2022))
	last := ms.deliver("INBOX", fixture(t, fx2025))
	ms.mu.Lock()
	ms.refuse = map[uint32]bool{bad: true}
	ms.mu.Unlock()
	o := memOptions(t, ms, "INBOX")
	sum, entries, err := tryRun(t, o)
	if err != nil {
		t.Fatalf("sweep: %v (a message the server will not send must not fail the sweep)", err)
	}
	errs := kinds(entries, report.KindError)
	if sum.New != 2 || sum.Errors != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error, "UNAVAILABLE") ||
		!strings.Contains(errs[0].Error, "attempt 1 of 3") || !strings.HasSuffix(errs[0].Source, fmt.Sprintf(";UID=%d", bad)) {
		t.Fatalf("sweep: %+v, errors %+v; want uids %d and %d decided and uid %d reported, to be tried again", sum, errs, first, last, bad)
	}
	if pos, err := openStore(t, o.StoreDir).Position("mem", "INBOX"); err != nil || pos.LastUID != last {
		t.Errorf("position %+v, %v; want it past uid %d", pos, err, last)
	}
	// The server serves it again: the next sweep decides it.
	ms.mu.Lock()
	ms.refuse = nil
	ms.mu.Unlock()
	if sum, _ := run(t, o); sum.New != 1 || sum.Errors != 0 || sum.Fetched != 1 {
		t.Errorf("next sweep: %+v, want the message fetched again and decided", sum)
	}
}

// A server that refuses every FETCH (a backend down) fails the sweep, so
// that the scheduler's next run tries again: no message is counted as
// unreadable (three such sweeps would give them all up) and the position
// stays where it was.
func TestServerRefusesEveryFetch(t *testing.T) {
	ms := newMemServer(t)
	uids := []uint32{ms.deliver("INBOX", fixture(t, fx2011)), ms.deliver("INBOX", fixture(t, fx2022)), ms.deliver("INBOX", fixture(t, fx2025))}
	ms.mu.Lock()
	ms.refuse = map[uint32]bool{uids[0]: true, uids[1]: true, uids[2]: true}
	ms.mu.Unlock()
	o := memOptions(t, ms, "INBOX")
	for range 4 {
		_, entries, err := tryRun(t, o)
		if !errors.Is(err, inbox.ErrUnavailable) || len(kinds(entries, report.KindError)) != 0 {
			t.Fatalf("sweep: %v with %d error entries; want ErrUnavailable and no message reported", err, len(kinds(entries, report.KindError)))
		}
	}
	if pos, err := openStore(t, o.StoreDir).Position("mem", "INBOX"); err != nil || pos.LastUID != 0 {
		t.Errorf("position %+v, %v; want none yet", pos, err)
	}
	ms.mu.Lock()
	ms.refuse = nil
	ms.mu.Unlock()
	if sum, _ := run(t, o); sum.New != 3 || sum.Errors != 0 {
		t.Errorf("sweep once the server serves again: %+v, want all 3 decided", sum)
	}
}

// A mailbox that stores no keywords (Exchange's PERMANENTFLAGS have no
// \*) gets no keyword steps, and the summary says which keywords were
// left out, so that a user of the default, keywords-only actions learns
// why --apply does nothing.
func TestKeywordsRefused(t *testing.T) {
	ms := newMemServer(t)
	ms.mu.Lock()
	ms.noKeywords = true
	ms.mu.Unlock()
	ms.deliver("INBOX", fixture(t, fx2011))
	o := memOptions(t, ms, "INBOX")
	sum, entries := run(t, o)
	if !slices.Equal(sum.KeywordsRefused, []string{"$Triage_accept", "$Triage_ignore", "$Triage_clarify", "$Triage_suspicious"}) {
		t.Errorf("KeywordsRefused = %q, want every configured keyword", sum.KeywordsRefused)
	}
	for _, e := range kinds(entries, report.KindInvitation) {
		for _, a := range e.Actions {
			if strings.HasPrefix(a, "keyword") {
				t.Errorf("%s: action %q planned on a mailbox without keywords", e.Source, a)
			}
		}
	}
	ms.mu.Lock()
	ms.noKeywords = false
	ms.mu.Unlock()
	if sum, _ := run(t, o); len(sum.KeywordsRefused) != 0 {
		t.Errorf("keywords allowed: KeywordsRefused = %q, want none", sum.KeywordsRefused)
	}
}

// A digest whose invitations get different verdicts gets each verdict's
// keyword, and never a move (one of its invitations would go with it).
func TestDigestDisagreementKeywordsOnly(t *testing.T) {
	ms := newMemServer(t)
	uid := ms.deliver("INBOX", fixture(t, fxDigest))
	o := memOptions(t, ms, "INBOX")
	// Every verdict of this digest moves, so only the disagreement keeps
	// the message in place.
	o.Actions.Accept.MoveTo = "LinkedIn/Accept"
	o.Actions.Clarify.MoveTo = "LinkedIn/Clarify"
	_, entries := run(t, o)
	fresh, _ := invitations(entries)
	if len(fresh) != 3 {
		t.Fatalf("%d new entries, want the digest's 3", len(fresh))
	}
	verdicts := map[policy.Verdict]bool{}
	for _, e := range fresh {
		verdicts[e.Verdict] = true
		want := []string{"keyword " + o.Actions.For(e.Verdict).Keyword}
		if !slices.Equal(e.Actions, want) {
			t.Errorf("%s (%s): actions %q, want %q", e.Inviter.Name, e.Verdict, e.Actions, want)
		}
	}
	if len(verdicts) < 2 {
		t.Fatalf("verdicts %v: the test needs a digest that disagrees", verdicts)
	}

	o.Apply = true
	sum, entries := run(t, o)
	_, carried := invitations(entries)
	if sum.Applied != 3 || len(carried) != 3 {
		t.Fatalf("apply: %+v, %d entries; want 3 applied", sum, len(carried))
	}
	if n := ms.count("MOVE") + ms.count("COPY"); n != 0 {
		t.Errorf("apply sent %d MOVE/COPY for a disagreeing digest, want none", n)
	}
	msgs := ms.messages("INBOX")
	if len(msgs) != 1 || msgs[0].UID != uid {
		t.Fatalf("INBOX after apply = %+v, want the digest still there", msgs)
	}
	for v := range verdicts {
		if kw := o.Actions.For(v).Keyword; !msgs[0].has(kw) {
			t.Errorf("digest flags %q lack %s", msgs[0].Flags, kw)
		}
	}
}

// A dry run changes nothing; --apply does what the dry run listed, moving
// the ignored invitation and tagging the others; a second run does nothing.
func TestDryRunThenApply(t *testing.T) {
	ms := newMemServer(t)
	for _, f := range []string{fx2016, fx2022, fxAccepted, fxLookalike} {
		ms.deliver("INBOX", fixture(t, f))
	}
	ms.deliver("INBOX", ordinary(1))
	o := memOptions(t, ms, "INBOX")
	var progress bytes.Buffer
	o.Progress = &progress
	_, dry := run(t, o)
	dryFresh, _ := invitations(dry)
	if len(dryFresh) != 2 || len(kinds(dry, report.KindNotInvitation)) != 2 {
		t.Fatalf("dry run entries: %d invitations, %d not invitations; want 2 and 2 (acceptance notice, look-alike)", len(dryFresh), len(kinds(dry, report.KindNotInvitation)))
	}
	if n := ms.count("STORE") + ms.count("MOVE") + ms.count("COPY"); n != 0 {
		t.Fatalf("dry run sent %d commands that change mail", n)
	}
	for _, want := range []string{"searching", "fetched 4 of 4", "decided 2 new"} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress %q lacks %q", progress.String(), want)
		}
	}
	listed := map[string][]string{}
	for _, e := range dryFresh {
		listed[e.InvitationID] = e.Actions
	}

	// A carried-over entry shows the invitation as the sweep that decided
	// it did: the store keeps what the output needs.
	o.Progress = nil
	_, redo := run(t, o)
	againFresh, againCarried := invitations(redo)
	if len(againFresh) != 0 || len(againCarried) != 2 {
		t.Fatalf("second dry run: %d new, %d carried over; want 0 and 2", len(againFresh), len(againCarried))
	}
	for _, c := range againCarried {
		for _, f := range dryFresh {
			if f.InvitationID != c.InvitationID {
				continue
			}
			if !reflect.DeepEqual(c.Inviter, f.Inviter) || c.Verdict != f.Verdict || c.Score != f.Score || c.Note != f.Note {
				t.Errorf("carried over %+v (%s %d), want as first decided %+v (%s %d)", c.Inviter, c.Verdict, c.Score, f.Inviter, f.Verdict, f.Score)
			}
		}
	}

	o.Apply = true
	sum, applied := run(t, o)
	_, appCarried := invitations(applied)
	if sum.Applied != 2 || len(appCarried) != 2 || sum.Pending != 0 {
		t.Fatalf("apply: %+v with %d entries; want 2 applied, none pending", sum, len(appCarried))
	}
	for _, e := range appCarried {
		if e.Applied == nil || !*e.Applied || !slices.Equal(e.Actions, listed[e.InvitationID]) {
			t.Errorf("%s: applied %v actions %q; want applied, as listed by the dry run: %q", e.Inviter.Name, show(e.Applied), e.Actions, listed[e.InvitationID])
		}
	}
	ignored := ms.messages("LinkedIn/Ignore")
	if len(ignored) != 1 || !ignored[0].has("$Triage_ignore") {
		t.Errorf("LinkedIn/Ignore = %+v, want the ignored invitation with its keyword", ignored)
	}
	inboxMsgs := ms.messages("INBOX")
	if len(inboxMsgs) != 4 {
		t.Errorf("INBOX has %d messages after apply, want 4 (one moved)", len(inboxMsgs))
	}
	tagged := 0
	for _, m := range inboxMsgs {
		if m.has("$Triage_clarify") {
			tagged++
		}
		if m.has(`\Seen`) {
			t.Errorf("message %s was marked read", m.MessageID)
		}
	}
	if tagged != 1 {
		t.Errorf("%d messages in INBOX tagged $Triage_clarify, want 1", tagged)
	}

	changes := ms.count("STORE") + ms.count("MOVE") + ms.count("COPY")
	sum, again := run(t, o)
	if f, c := invitations(again); len(f)+len(c) != 0 || sum.Applied != 0 {
		t.Errorf("second apply: %+v with %d invitation entries; want nothing", sum, len(f)+len(c))
	}
	if n := ms.count("STORE") + ms.count("MOVE") + ms.count("COPY"); n != changes {
		t.Errorf("second apply sent %d commands that change mail", n-changes)
	}
}

// Two sweeps of one account never overlap.
func TestLocked(t *testing.T) {
	ms := newMemServer(t)
	o := memOptions(t, ms, "INBOX")
	unlock, err := openStore(t, o.StoreDir).LockSweep("mem")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = tryRun(t, o)
	if !errors.Is(err, state.ErrLocked) {
		t.Errorf("Run while another sweep holds the lock = %v, want ErrLocked", err)
	}
	unlock()
	if _, _, err := tryRun(t, o); err != nil {
		t.Errorf("Run after the other sweep ended = %v", err)
	}
}

// Connection and login failures keep their sentinels for the exit codes.
func TestDialErrors(t *testing.T) {
	ms := newMemServer(t)
	o := memOptions(t, ms, "INBOX")
	t.Setenv("TRIAGE_TEST_PASSWORD", "wrong")
	if _, _, err := tryRun(t, o); !errors.Is(err, inbox.ErrAuth) {
		t.Errorf("Run with a wrong password = %v, want ErrAuth", err)
	}
	o = memOptions(t, ms, "INBOX")
	o.Account.Port = 1
	if _, _, err := tryRun(t, o); !errors.Is(err, inbox.ErrConnect) {
		t.Errorf("Run against a closed port = %v, want ErrConnect", err)
	}
}

// The verbose log says what the sweep does but never shows an accept
// link or a token (tryRun checks every log).
func TestLogSaysWhatItDoes(t *testing.T) {
	ms := newMemServer(t)
	ms.deliver("INBOX", fixture(t, fx2023))
	o := memOptions(t, ms, "INBOX")
	var logs bytes.Buffer
	o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var trace bytes.Buffer
	o.Trace = &trace
	o.Apply = true
	run(t, o)
	for _, want := range []string{"searched", "decided", "applied", "sweep finished"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	checkNoSecrets(t, "log", logs.String())
	checkNoSecrets(t, "trace", trace.String())
	if !strings.Contains(trace.String(), "SEARCH") {
		t.Errorf("trace shows no SEARCH:\n%s", trace.String())
	}
}

// An unreadable message the user deletes is not tried again.
func TestParseErrorOfDeletedMessageForgotten(t *testing.T) {
	ms := newMemServer(t)
	bad := ms.deliver("INBOX", fixture(t, fxBroken))
	o := memOptions(t, ms, "INBOX")
	if sum, _ := run(t, o); sum.Errors != 1 {
		t.Fatalf("first sweep: %+v, want 1 error", sum)
	}
	c, err := imapclient.DialInsecure(net.JoinHostPort("127.0.0.1", strconv.Itoa(ms.port)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(memUser, memPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.UIDSetNum(imap.UID(bad)), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	if sum, _ := run(t, o); sum.Errors != 0 || sum.Fetched != 0 {
		t.Errorf("sweep after the deletion: %+v, want no error", sum)
	}
	errs, err := openStore(t, o.StoreDir).Errors("mem")
	if err != nil || len(errs) != 0 {
		t.Errorf("parse errors left: %+v, %v; want none", errs, err)
	}
	fetches := ms.count("FETCH")
	if sum, _ := run(t, o); sum.Candidates != 0 || ms.count("FETCH") != fetches {
		t.Errorf("next sweep: %+v; want nothing to fetch", sum)
	}
}
