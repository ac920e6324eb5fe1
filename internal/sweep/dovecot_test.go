package sweep

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/triagehq/triage/internal/dovecottest"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
)

// Integration tests against a real Dovecot (dovecottest). Without Dovecot
// they skip, and fail when TRIAGE_REQUIRE_DOVECOT=1 (CI sets it). One
// server serves every scenario, each with a user of its own.

const dovecotPassword = "dovecot-test-Passw0rd"

// secUser is the user of each listener's scenario.
var secUser = map[dovecottest.Security]string{
	dovecottest.ImplicitTLS: "implicit", dovecottest.StartTLS: "starttls", dovecottest.Plain: "plain",
}

var dovecotUsers = []string{"implicit", "starttls", "plain", "moved", "crash", "many"}

func TestDovecot(t *testing.T) {
	users := map[string]string{}
	for _, u := range dovecotUsers {
		users[u] = dovecotPassword
	}
	srv := dovecottest.Start(t, dovecottest.Options{Users: users})
	t.Setenv("TRIAGE_DOVECOT_PASSWORD", dovecotPassword)

	for _, sec := range []dovecottest.Security{dovecottest.ImplicitTLS, dovecottest.StartTLS, dovecottest.Plain} {
		t.Run("sweep-"+sec.String(), func(t *testing.T) { testDovecotSweep(t, srv, sec) })
	}
	t.Run("moved-away", func(t *testing.T) { testDovecotMovedAway(t, srv) })
	t.Run("crash-between-act-and-confirm", func(t *testing.T) { testDovecotCrash(t, srv) })
	t.Run("many-candidates", func(t *testing.T) { testDovecotMany(t, srv) })
}

// testDovecotMany sweeps hundreds of candidates among ordinary mail, all
// copies of one invitation: every one is fetched, one is decided, the rest
// are recorded as its reminders.
func testDovecotMany(t *testing.T, srv *dovecottest.Server) {
	const n = 700
	raw := fixture(t, fx2022)
	filler := []byte("From: news@example.org\r\nTo: paul@example.com\r\nSubject: Weekly digest\r\n\r\n" + strings.Repeat("All the news that fits.\r\n", 2000))
	msgs := func(yield func(dovecottest.Message) bool) {
		for i := range n {
			m := withMessageID(t, raw, fmt.Sprintf("many-%d@example.com", i))
			date := time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC)
			// Ordinary mail between the candidates, as in a real INBOX.
			for range 3 {
				if !yield(dovecottest.Message{Raw: filler, Date: date}) {
					return
				}
			}
			if !yield(dovecottest.Message{Raw: m, Date: date}) {
				return
			}
		}
	}
	if err := srv.BulkLoad("many", "INBOX", msgs); err != nil {
		t.Fatal(err)
	}
	o := dovecotOptions(t, srv, dovecottest.Plain, "many")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var entries int
	sum, err := Run(ctx, o, func(report.Entry) error { entries++; return nil })
	if err != nil {
		t.Fatalf("sweep of %d candidates: %v", n, err)
	}
	// Every copy carries the same invitation ID: one decision, the rest
	// recorded as reminders of it.
	if sum.Candidates != n || sum.Fetched != n || sum.New != 1 || sum.Reminders != n-1 {
		t.Errorf("sweep of %d candidates: %+v; want all fetched, 1 new and %d reminders", n, sum, n-1)
	}
}

func dovecotOptions(t *testing.T, srv *dovecottest.Server, sec dovecottest.Security, user string) Options {
	t.Helper()
	p, d := testPolicy(t)
	acct := inbox.Account{
		Name: user, Host: srv.Host, Port: srv.Port(sec), TLS: sec.String(), Username: user,
		PasswordEnv: "TRIAGE_DOVECOT_PASSWORD", Timeout: inbox.Duration{Duration: 10 * time.Second},
	}
	if sec != dovecottest.Plain {
		acct.TLSCAFile = srv.CAFile
	}
	return Options{Account: acct, Policy: p, Drafter: d, Actions: testActions, StoreDir: t.TempDir()}
}

// seeded is one message loaded into the mailbox.
type seeded struct {
	name string
	raw  []byte
	seen bool
}

// seedFixtures loads every kind of mail a sweep meets into the user's
// INBOX, some of it already read.
func seedFixtures(t *testing.T, srv *dovecottest.Server, user string) []seeded {
	t.Helper()
	msgs := []seeded{
		{name: fx2011, raw: fixture(t, fx2011)},
		{name: fx2016, raw: fixture(t, fx2016), seen: true},
		{name: "ordinary-1", raw: ordinary(1), seen: true},
		{name: fx2022, raw: fixture(t, fx2022)},
		{name: fx2023, raw: fixture(t, fx2023)},
		{name: fxAccepted, raw: fixture(t, fxAccepted)},
		{name: fx2025, raw: fixture(t, fx2025)},
		{name: fxReminder, raw: fixture(t, fxReminder)},
		{name: fxDigest, raw: fixture(t, fxDigest), seen: true},
		{name: fxNewsletter, raw: fixture(t, fxNewsletter)},
		{name: fxLookalike, raw: fixture(t, fxLookalike)},
		{name: "ordinary-2", raw: ordinary(2)},
		{name: fxBroken, raw: fixture(t, fxBroken)},
		{name: fx2026, raw: fixture(t, fx2026)},
		{name: "reminder-again", raw: withMessageID(t, fixture(t, fxReminder), "reminder-again@linkedin.com")},
	}
	load := func(yield func(dovecottest.Message) bool) {
		for _, m := range msgs {
			dm := dovecottest.Message{Raw: m.raw, Date: time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)}
			if m.seen {
				dm.Flags = []imap.Flag{imap.FlagSeen}
			}
			if !yield(dm) {
				return
			}
		}
	}
	if err := srv.BulkLoad(user, "INBOX", load); err != nil {
		t.Fatal(err)
	}
	return msgs
}

// snapshot is a user's mail by mailbox: one line per message with its UID,
// Message-ID and flags. \Recent is left out: it is session state, which
// any SELECT moves, not a change to the mail.
func snapshot(t *testing.T, srv *dovecottest.Server, user string) map[string][]string {
	t.Helper()
	snap, err := srv.Snapshot(user)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for mbox, msgs := range snap {
		lines := []string{}
		for _, m := range msgs {
			var flags []string
			for _, f := range m.Flags {
				if !strings.EqualFold(string(f), `\Recent`) {
					flags = append(flags, strings.ToLower(string(f)))
				}
			}
			slices.Sort(flags)
			lines = append(lines, fmt.Sprintf("uid %d <%s> %v", m.UID, m.MessageID, flags))
		}
		out[mbox] = lines
	}
	return out
}

func diffSnapshots(before, after map[string][]string) string {
	var b strings.Builder
	var names []string
	for n := range before {
		names = append(names, n)
	}
	for n := range after {
		if _, ok := before[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		if !slices.Equal(before[n], after[n]) {
			fmt.Fprintf(&b, "%s:\n  before %q\n  after  %q\n", n, before[n], after[n])
		}
	}
	return b.String()
}

// where finds the message with Message-ID id: its mailbox and flags line.
func where(snap map[string][]string, id string) (mailboxes []string, lines []string) {
	for mbox, msgs := range snap {
		for _, l := range msgs {
			if strings.Contains(l, "<"+id+">") {
				mailboxes = append(mailboxes, mbox)
				lines = append(lines, l)
			}
		}
	}
	return mailboxes, lines
}

func testDovecotSweep(t *testing.T, srv *dovecottest.Server, sec dovecottest.Security) {
	user := secUser[sec]
	seeds := seedFixtures(t, srv, user)
	o := dovecotOptions(t, srv, sec, user)

	before := snapshot(t, srv, user)
	began := time.Now()
	sum, dry := run(t, o)
	t.Logf("dry sweep of %d messages over %v: %v (%+v)", len(seeds), sec, time.Since(began).Round(time.Millisecond), sum)
	if d := diffSnapshots(before, snapshot(t, srv, user)); d != "" {
		t.Fatalf("the dry sweep changed the mailbox (flags, \\Seen included):\n%s", d)
	}

	// What the dry sweep saw: 10 invitations (the digest has 3), a
	// reminder of one of them (to be filed as it is, listed as not new),
	// the acceptance notice, the newsletter and the look-alike as
	// non-invitations, one unreadable message. Ordinary mail is not even
	// a candidate.
	fresh, carried := invitations(dry)
	if sum.New != 10 || len(fresh) != 10 || len(carried) != 1 || sum.Reminders != 1 || sum.Pending != 11 ||
		sum.NotInvitations != 3 || sum.Errors != 1 || sum.Candidates != 15-2 {
		t.Errorf("dry sweep: %+v, %d new and %d other entries; want 13 candidates, 10 new, 1 reminder, 11 pending, 3 not invitations, 1 error", sum, len(fresh), len(carried))
	}
	const reminderID = "reminder-again@linkedin.com"
	if len(carried) == 1 && (carried[0].MessageID != reminderID || !carried[0].Reminder || len(carried[0].Actions) == 0) {
		t.Errorf("dry sweep listed %s (reminder %v, actions %q); want the second reminder, with its invitation's actions", carried[0].MessageID, carried[0].Reminder, carried[0].Actions)
	}
	notInv := kinds(dry, report.KindNotInvitation)
	acceptedID := messageIDOf(t, fixture(t, fxAccepted))
	if !slices.ContainsFunc(notInv, func(e report.Entry) bool { return e.MessageID == acceptedID }) {
		t.Errorf("the acceptance notice %s is not reported as not_invitation: %+v", acceptedID, notInv)
	}
	for _, e := range dry {
		if strings.Contains(e.MessageID, "@example.org") && strings.HasPrefix(e.MessageID, "lunch-") {
			t.Errorf("ordinary mail %s was fetched", e.MessageID)
		}
	}
	listed := map[string][]string{} // invitation ID -> actions
	verdicts := map[string]policy.Verdict{}
	msgOf := map[string]string{}
	for _, e := range fresh {
		if e.Applied == nil || *e.Applied {
			t.Errorf("dry entry %s: applied = %v, want false", e.Source, show(e.Applied))
		}
		key := e.InvitationID
		if key == "" {
			key = "msg:" + e.MessageID
		}
		listed[key], verdicts[key], msgOf[key] = e.Actions, e.Verdict, e.MessageID
	}
	// The reminder goes where its invitation goes.
	reminderOf := messageIDOf(t, fixture(t, fxReminder))
	for key, id := range msgOf {
		if id == reminderOf {
			verdicts["reminder"], msgOf["reminder"] = verdicts[key], reminderID
		}
	}
	if _, ok := msgOf["reminder"]; !ok {
		t.Errorf("no invitation from %s among the dry sweep's new entries", reminderOf)
	}

	// --apply carries out exactly what the dry run listed.
	o.Apply = true
	began = time.Now()
	sum, applied := run(t, o)
	t.Logf("apply over %v: %v (%+v)", sec, time.Since(began).Round(time.Millisecond), sum)
	fresh, carried = invitations(applied)
	// The unreadable message is tried again (attempt 2 of 3): one error.
	if sum.Applied != 11 || sum.Pending != 0 || sum.Errors != 1 || sum.Fetched != 1 || len(fresh) != 0 || len(carried) != 11 {
		t.Errorf("apply: %+v, %d new and %d carried entries; want the 11 listed actions applied and the unreadable message retried", sum, len(fresh), len(carried))
	}
	for _, e := range carried {
		key := e.InvitationID
		if key == "" {
			key = "msg:" + e.MessageID
		}
		if e.Applied == nil || !*e.Applied || !slices.Equal(e.Actions, listed[key]) {
			t.Errorf("%s: applied %v with actions %q; the dry run listed %q", e.Inviter.Name, show(e.Applied), e.Actions, listed[key])
		}
	}

	// Every invitation is where the policy says.
	after := snapshot(t, srv, user)
	digestID := messageIDOf(t, fixture(t, fxDigest))
	for key, v := range verdicts {
		mboxes, lines := where(after, msgOf[key])
		want := "INBOX"
		if v == policy.Ignore && msgOf[key] != digestID {
			want = "LinkedIn/Ignore"
		}
		kw := strings.ToLower(testActions.For(v).Keyword)
		if len(mboxes) != 1 || mboxes[0] != want || !strings.Contains(lines[0], kw) {
			t.Errorf("%s (%s): found in %q as %q; want only in %s with %s", key, v, mboxes, lines, want, kw)
		}
	}
	if _, lines := where(after, digestID); len(lines) != 1 || !strings.Contains(lines[0], "$triage_accept") || !strings.Contains(lines[0], "$triage_clarify") {
		t.Errorf("digest whose invitations disagree: %q; want it in INBOX with both keywords", lines)
	}
	// Mail that is not an invitation is never touched; \Seen never changes.
	for _, m := range seeds {
		id := messageIDOf(t, m.raw)
		_, lines := where(after, id)
		_, was := where(before, id)
		if len(lines) != 1 || len(was) != 1 {
			t.Errorf("%s: %q before, %q after; want one copy", m.name, was, lines)
			continue
		}
		if strings.Contains(lines[0], `\seen`) != m.seen {
			t.Errorf("%s: %q; \\Seen changed (was %v)", m.name, lines[0], m.seen)
		}
		if _, isInv := invitationFixture[m.name]; !isInv && lines[0] != was[0] {
			t.Errorf("%s is not an invitation but changed: %q -> %q", m.name, was[0], lines[0])
		}
	}

	// A second run changes nothing and decides nothing.
	began = time.Now()
	sum, again := run(t, o)
	t.Logf("second sweep (nothing new) over %v: %v", sec, time.Since(began).Round(time.Millisecond))
	if f, c := invitations(again); len(f) != 0 || len(c) != 0 || sum.New != 0 || sum.Applied != 0 {
		t.Errorf("second run: %+v, %d new and %d carried entries; want nothing", sum, len(f), len(c))
	}
	if d := diffSnapshots(after, snapshot(t, srv, user)); d != "" {
		t.Errorf("the second run changed the mailbox:\n%s", d)
	}
}

// invitationFixture names the seeded messages that are acted on: those
// with invitations, and the second reminder, filed as its invitation is.
var invitationFixture = map[string]bool{
	fx2011: true, fx2016: true, fx2022: true, fx2023: true, fx2025: true, fx2026: true, fxReminder: true, fxDigest: true,
	"reminder-again": true,
}

func messageIDOf(t *testing.T, raw []byte) string {
	t.Helper()
	m := messageIDHeader.Find(raw)
	if m == nil {
		t.Fatal("no Message-ID")
	}
	id := strings.TrimSpace(string(m[len("Message-ID:"):]))
	return strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
}

// A message the user moves away between the dry run and --apply is
// skipped, with a note, not lost and not retried.
func testDovecotMovedAway(t *testing.T, srv *dovecottest.Server) {
	const user = "moved"
	for _, f := range []string{fx2016, fx2022} {
		if err := srv.Deliver(user, "INBOX", fixture(t, f)); err != nil {
			t.Fatal(err)
		}
	}
	o := dovecotOptions(t, srv, dovecottest.Plain, user)
	if sum, _ := run(t, o); sum.New != 2 {
		t.Fatalf("dry run: %+v, want 2 new", sum)
	}
	// The user files the 2016 invitation (ignored: it would move) away.
	movedID := messageIDOf(t, fixture(t, fx2016))
	c, err := srv.Login(dovecottest.Plain, user)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Archive", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Move(imap.UIDSetNum(1), "Archive").Wait(); err != nil {
		t.Fatal(err)
	}
	c.Logout().Wait()
	c.Close()
	if mb, _ := where(snapshot(t, srv, user), movedID); !slices.Equal(mb, []string{"Archive"}) {
		t.Fatalf("test setup: the message is in %q, want Archive", mb)
	}

	o.Apply = true
	sum, entries := run(t, o)
	if sum.Applied != 1 || sum.Skipped != 1 || sum.Pending != 0 {
		t.Errorf("apply: %+v, want 1 applied and 1 skipped", sum)
	}
	for _, e := range entries {
		if e.MessageID == movedID && (e.Applied == nil || *e.Applied) {
			t.Errorf("entry of the moved message: applied %v, want false", show(e.Applied))
		}
	}
	snap := snapshot(t, srv, user)
	if mb, lines := where(snap, movedID); !slices.Equal(mb, []string{"Archive"}) || strings.Contains(lines[0], "$triage") {
		t.Errorf("moved message now %q %q; want untouched in Archive", mb, lines)
	}
	r, err := openStore(t, o.StoreDir).Get(user, "inv:6183158514936899809")
	if err != nil {
		t.Fatal(err)
	}
	if r.Action.State != state.Skipped || !strings.Contains(r.Action.Note, "no longer in INBOX") {
		t.Errorf("record of the moved message: %s %q; want skipped with a note", r.Action.State, r.Action.Note)
	}
	// Not retried.
	sum, _ = run(t, o)
	if sum.Skipped != 0 || sum.Applied != 0 {
		t.Errorf("next apply: %+v, want nothing to do", sum)
	}
	if d := diffSnapshots(snap, snapshot(t, srv, user)); d != "" {
		t.Errorf("next apply changed the mailbox:\n%s", d)
	}
}

// A run that stopped between acting and confirming leaves intents; the
// next --apply finds each message by Message-ID, confirms what took
// effect without acting again, and finishes what did not.
func testDovecotCrash(t *testing.T, srv *dovecottest.Server) {
	const user = "crash"
	for _, f := range []string{fx2016, fx2022, fx2023} {
		if err := srv.Deliver(user, "INBOX", fixture(t, f)); err != nil {
			t.Fatal(err)
		}
	}
	o := dovecotOptions(t, srv, dovecottest.Plain, user)
	_, dry := run(t, o)
	fresh, _ := invitations(dry)
	if len(fresh) != 3 {
		t.Fatalf("dry run: %d invitations, want 3", len(fresh))
	}
	store := openStore(t, o.StoreDir)

	// The crashed run: intents recorded for all three; the 2016 one
	// (ignore: keyword and move) and the 2022 one (keyword) carried out;
	// the 2023 one not yet; nothing confirmed.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sess, err := inbox.Dial(ctx, o.Account, inbox.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Select(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	var notActed string
	for _, e := range fresh {
		key := "inv:" + e.InvitationID
		if err := store.MarkIntent(user, key, e.Actions); err != nil {
			t.Fatal(err)
		}
		if e.MessageID == messageIDOf(t, fixture(t, fx2023)) {
			notActed = e.MessageID
			continue
		}
		act, allowMove := actionFromSteps(e.Actions)
		uids, err := sess.FindByMessageID(ctx, e.MessageID)
		if err != nil || len(uids) != 1 {
			t.Fatalf("find %s: %v %v", e.MessageID, uids, err)
		}
		if _, err := sess.Apply(ctx, uids[0], act, allowMove); err != nil {
			t.Fatal(err)
		}
	}
	sess.Logout()
	unconfirmed, err := store.Unconfirmed(user)
	if err != nil || len(unconfirmed) != 3 {
		t.Fatalf("unconfirmed intents: %d, %v; want 3", len(unconfirmed), err)
	}
	crashed := snapshot(t, srv, user)

	o.Apply = true
	sum, entries := run(t, o)
	if sum.Applied != 3 || sum.Pending != 0 || sum.Errors != 0 {
		t.Errorf("reconciling apply: %+v, want the 3 intents settled", sum)
	}
	for _, e := range entries {
		if e.Kind == report.KindInvitation && (e.Applied == nil || !*e.Applied) {
			t.Errorf("%s: applied = %v, want true", e.Source, show(e.Applied))
		}
	}
	now := snapshot(t, srv, user)
	// Only the message that was not acted on changed: it got its keyword.
	for mbox := range now {
		for _, l := range now[mbox] {
			if strings.Contains(l, "<"+notActed+">") {
				if !strings.Contains(l, "$triage_accept") {
					t.Errorf("the message not acted on before the crash: %q, want $Triage_accept", l)
				}
				continue
			}
			if !slices.Contains(crashed[mbox], l) {
				t.Errorf("%s: %q is new after reconciling: something was done twice", mbox, l)
			}
		}
	}
	for mbox := range crashed {
		if len(now[mbox]) != len(crashed[mbox]) {
			t.Errorf("%s: %d messages after reconciling, %d before", mbox, len(now[mbox]), len(crashed[mbox]))
		}
	}
	recs, err := store.Records(user)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Action.State != state.Done {
			t.Errorf("record %s: %s, want done", r.Key, r.Action.State)
		}
	}
}
