package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
)

var listT0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// listedInvitation is an invitation as the emails carry them: long
// headline, note, accept link with tokens, a Message-ID in no particular
// order.
func listedInvitation(i int, mid string) inbox.Invitation {
	id := fmt.Sprint(7100000000000000000 + i)
	mutual := 3 + i%40
	return inbox.Invitation{
		Name:              fmt.Sprintf("Person %d Example", i),
		FirstName:         "Person",
		Headline:          "Senior Data Engineer at Example Analytics | Streaming, Go, Postgres | Speaker",
		Title:             "Senior Data Engineer",
		Company:           "Example Analytics",
		Location:          "Greater London, England, United Kingdom",
		Note:              "Hi, we met at the GopherCon EU hallway track and talked about IMAP sync; I would like to keep in touch and compare notes on mail tooling.",
		MutualConnections: &mutual,
		ProfileURL:        fmt.Sprintf("https://www.linkedin.com/in/person-%d-example-%x/", i, i*7919),
		InvitationID:      id,
		AcceptURL:         "https://www.linkedin.com/comm/invitations/accept?invitationId=" + id + "&sharedKey=SECRETshared&midToken=SECRETmid&midSig=0a1b2c3d&trk=eml-email_m2m_invite_single_01-hero-0-accept~cta&trkEmail=eml-email_m2m_invite_single_01-hero-0-accept~cta-null-3q2b~lq2f~ab-null-null&otpToken=SECRETotp0123456789abcdef0123456789abcdef0123456789abcdef",
		MessageID:         mid,
		Date:              listT0.Add(time.Duration(i) * time.Minute),
	}
}

func listedDecision(v policy.Verdict) policy.Decision {
	return policy.Decision{
		Score:        4,
		Verdict:      v,
		NoteClass:    policy.NotePersonalised,
		NoteEvidence: "we met at",
		Reasons: []policy.Reason{
			{Rule: "note.personalised", Points: 3, Why: "the note says where you met: \"we met at\""},
			{Rule: "mutual", Points: 1, Why: "12 connections in common"},
			{Rule: "industry", Points: 1, Why: "works in a target industry (software)"},
			{Rule: "connections", Points: -1, Why: "the email does not say how many connections they have"},
		},
	}
}

// listedMessageID is a LinkedIn-like Message-ID; its order is not the
// UIDs' order.
func listedMessageID(i int) string {
	return fmt.Sprintf("%d.%d.1459635211566.JavaMail.app@lva1-app3333.prod.linkedin.com", (i*2654435761)%1000000007, i)
}

// listingSweeper is a dry-run sweeper of the INBOX of account "work" on
// store, as finish would use it, without a session.
func listingSweeper(store *state.Store, page int, emit func(report.Entry) error) *sweeper {
	return &sweeper{
		o:      Options{Actions: testActions, page: page},
		acct:   inbox.Account{Name: "work", Mailbox: "INBOX"},
		name:   "work",
		log:    slog.New(slog.DiscardHandler),
		store:  store,
		lines:  newHeadLines(),
		emit:   emit,
		now:    time.Now,
		held:   map[string]report.Entry{},
		status: inbox.MailboxStatus{Name: "INBOX", UIDValidity: 7, KeywordsAllowed: true},
	}
}

// seedListing records n pending invitations, one a message, in the INBOX.
func seedListing(t testing.TB, store *state.Store, n int) {
	t.Helper()
	verdicts := []policy.Verdict{policy.Accept, policy.Ignore, policy.Clarify, policy.Accept}
	err := store.Update(func(tx *state.Tx) error {
		for i := range n {
			mid := listedMessageID(i)
			v := verdicts[i%len(verdicts)]
			var draft *reply.Draft
			if v == policy.Clarify {
				draft = &reply.Draft{To: "Person", Subject: "Re: your invitation", Body: "Thanks for the request. What is it about my profile that made you want to connect?"}
			}
			r := state.NewRecord(listedInvitation(i, mid), 0, listedDecision(v), draft, state.Location{Mailbox: "INBOX", UIDValidity: 7, UID: uint32(i + 1), MessageID: mid}, listT0)
			if _, _, err := tx.Put("work", r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// referenceListing is what a dry run's listing must give, built the
// plain way: full records, all at once, steps planned per record, intents
// merged before the pending records of the same or a later UID.
func referenceListing(t *testing.T, store *state.Store, isNew map[string]bool) []report.Entry {
	t.Helper()
	ref := listingSweeper(store, 0, nil)
	var want []report.Entry
	err := store.View(func(tx *state.Tx) error {
		intents, err := tx.Unconfirmed("work")
		if err != nil {
			return err
		}
		pending, err := tx.Pending("work")
		if err != nil {
			return err
		}
		add := func(r state.Record) error {
			e, ok, err := ref.openEntry(tx, r, isNew, nil)
			if ok {
				want = append(want, e)
			}
			return err
		}
		for _, r := range pending {
			for len(intents) > 0 && intents[0].Location.UID <= r.Location.UID {
				if err := add(intents[0]); err != nil {
					return err
				}
				intents = intents[1:]
			}
			if err := add(r); err != nil {
				return err
			}
		}
		for _, r := range intents {
			if err := add(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// TestEmitOpenListsWhatFullRecordsGive checks the dry run's listing
// (brief records, planned steps shared, pages recycled) against entries
// built from the full records with plan, for every kind of open record:
// single and digest messages (agreeing or not), reviews, drafts,
// reminders, intents, a record in another mailbox and a new one.
func TestEmitOpenListsWhatFullRecordsGive(t *testing.T) {
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fresh := seedOpenKinds(t, store)

	want := referenceListing(t, store, map[string]bool{fresh: true})
	// 20 single messages, 6 digest invitations and 2 reminders' records;
	// the new one and the one elsewhere are not listed.
	if len(want) != 28 {
		t.Fatalf("reference lists %d entries, want 28", len(want))
	}
	var reminders []string
	for _, e := range want {
		if e.ReminderOf != "" {
			reminders = append(reminders, e.MessageID+" of "+e.ReminderOf)
		}
	}
	if wantRem := []string{"reminder-3 of " + listedMessageID(3), "reminder-101 of digest-a"}; !slices.Equal(reminders, wantRem) {
		t.Errorf("reminders listed: %q, want %q", reminders, wantRem)
	}

	for _, page := range []int{1, 3, 1024} {
		var got []report.Entry
		s := listingSweeper(store, page, func(e report.Entry) error { got = append(got, e); return nil })
		s.newKeys = []string{fresh}
		if err := s.emitOpen(); err != nil {
			t.Fatalf("page %d: emitOpen = %v", page, err)
		}
		if len(got) != len(want) {
			t.Fatalf("page %d: emitOpen listed %d entries, want %d", page, len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("page %d: entry %d = %+v (%+v), want %+v (%+v)", page, i, got[i], got[i].Assessment, want[i], want[i].Assessment)
			}
		}
		// The new one and the one elsewhere are counted too.
		if s.sum.Pending != 30 {
			t.Errorf("page %d: Summary.Pending = %d, want 30", page, s.sum.Pending)
		}
		var lines strings.Builder
		for _, e := range got {
			fmt.Fprintln(&lines, e.Source, e.Actions)
		}
		checkNoSecrets(t, "listing", lines.String())
	}
}

// seedOpenKinds records, in the INBOX of account "work", every kind of
// open record a listing meets: 20 single messages, digests whose
// invitations disagree or agree, reminders' records, reviews (one with an edited
// draft), intents of a crashed run, a record in another mailbox, and a
// record new in this run, whose key it returns.
func seedOpenKinds(t *testing.T, store *state.Store) (fresh string) {
	t.Helper()
	seedListing(t, store, 20)
	var err error
	loc := func(uid uint32, mid string) state.Location {
		return state.Location{Mailbox: "INBOX", UIDValidity: 7, UID: uid, MessageID: mid}
	}
	err = store.Update(func(tx *state.Tx) error {
		put := func(r state.Record) {
			if err == nil {
				_, _, err = tx.Put("work", r)
			}
		}
		// Digests: one whose invitations disagree, one whose agree.
		for n, v := range []policy.Verdict{policy.Accept, policy.Ignore, policy.Clarify} {
			put(state.NewRecord(listedInvitation(100+n, "digest-a"), n, listedDecision(v), nil, loc(30, "digest-a"), listT0))
			put(state.NewRecord(listedInvitation(110+n, "digest-b"), n, listedDecision(policy.Ignore), nil, loc(31, "digest-b"), listT0))
		}
		// A reminder of invitation 3, another of a digest's invitation,
		// each filed with a record of its own.
		for _, rem := range []struct {
			n   int
			uid uint32
		}{{3, 32}, {101, 33}} {
			mid := fmt.Sprint("reminder-", rem.n)
			if err == nil {
				var of state.Record
				of, _, err = tx.Put("work", state.NewRecord(listedInvitation(rem.n, mid), 0, listedDecision(policy.Accept), nil, loc(rem.uid, mid), listT0))
				if err == nil {
					_, _, err = tx.FileReminder("work", of, loc(rem.uid, mid))
				}
			}
		}
		// Elsewhere, and new in this run.
		put(state.NewRecord(listedInvitation(200, "elsewhere"), 0, listedDecision(policy.Accept), nil, state.Location{Mailbox: "Archive", UIDValidity: 3, UID: 5, MessageID: "elsewhere"}, listT0))
		put(state.NewRecord(listedInvitation(201, "fresh"), 0, listedDecision(policy.Accept), nil, loc(40, "fresh"), listT0))
		if err != nil {
			return err
		}
		// Reviews, one with an edited draft, and intents of a crashed run.
		if err := tx.SetReview("work", state.KeyOf(listedInvitation(5, ""), 0), state.Review{Verdict: policy.Clarify, Note: "ask first", Draft: &reply.Draft{Body: "What is it that impressed you?"}}); err != nil {
			return err
		}
		if err := tx.SetReview("work", state.KeyOf(listedInvitation(101, ""), 0), state.Review{Verdict: policy.Ignore}); err != nil {
			return err
		}
		for _, i := range []int{7, 12} {
			if err := tx.MarkIntent("work", state.KeyOf(listedInvitation(i, ""), 0), []string{"keyword $Triage_accept", "move Somewhere"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return state.KeyOf(listedInvitation(201, ""), 0)
}

// TestEmitOpenLinesAsEntries checks that a dry run listing as JSON from
// the lines the store keeps (Options.JSONLines) writes what it writes
// from the records, byte for byte, for every kind of open record, on
// pages of every size, when some records have lost their lines (changed
// by a store without a renderer) and when the lines are another
// version's.
func TestEmitOpenLinesAsEntries(t *testing.T) {
	dir := t.TempDir()
	store, err := state.OpenOptions(dir, state.Options{Lines: newHeadLines()})
	if err != nil {
		t.Fatal(err)
	}
	fresh := seedOpenKinds(t, store)
	// Two records changed by a store that keeps no lines: they lose
	// theirs, and are listed from their records.
	plain, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{2, 9} {
		if err := plain.SetReview("work", state.KeyOf(listedInvitation(i, ""), 0), state.Review{Verdict: policy.Ignore}); err != nil {
			t.Fatal(err)
		}
	}

	var want bytes.Buffer
	ref := report.NewJSON(&want)
	for _, e := range referenceListing(t, store, map[string]bool{fresh: true}) {
		if err := ref.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tag := range []string{"this version", "another version"} {
		for _, page := range []int{1, 3, 1024} {
			var got bytes.Buffer
			out := report.NewJSON(&got)
			emitted := 0
			s := listingSweeper(store, page, func(e report.Entry) error { emitted++; return out.Write(e) })
			s.newKeys = []string{fresh}
			s.o.JSONLines = &got
			if tag != "this version" {
				s.lines.tag++
			}
			if err := s.emitOpen(); err != nil {
				t.Fatalf("%s, page %d: emitOpen = %v", tag, page, err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s, page %d: listing from lines\n%s\nwant (from records)\n%s", tag, page, got.Bytes(), want.Bytes())
			}
			// Entries from records: the intents, the two that lost
			// their lines, and under another tag all of them.
			wantEmitted := 4
			if tag != "this version" {
				wantEmitted = 28
			}
			if emitted != wantEmitted || s.sum.Pending != 30 {
				t.Errorf("%s, page %d: %d entries passed to emit and Summary.Pending %d, want %d and 30", tag, page, emitted, s.sum.Pending, wantEmitted)
			}
		}
	}
}

// TestListingKeepsMissingLines checks that a --json listing that had to
// read at least fillMin pending records for want of their lines (saved by
// a triage that kept none) has the store render them, so that the next
// listing copies lines and writes the same bytes; and that a listing
// reading fewer leaves the store as it is.
func TestListingKeepsMissingLines(t *testing.T) {
	for _, n := range []int{fillMin - 1, fillMin, 300} {
		dir := t.TempDir()
		plain, err := state.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		seedListing(t, plain, n)
		store, err := state.OpenOptions(dir, state.Options{Lines: newHeadLines()})
		if err != nil {
			t.Fatal(err)
		}
		var first []byte
		for run, wantRead := range []int{n, 0, 0} {
			if n < fillMin {
				wantRead = n
			}
			var got bytes.Buffer
			out := report.NewJSON(&got)
			read := 0
			s := listingSweeper(store, 64, func(e report.Entry) error { read++; return out.Write(e) })
			s.o.JSONLines = &got
			if err := s.emitOpen(); err != nil {
				t.Fatalf("%d pending, run %d: emitOpen = %v", n, run, err)
			}
			if read != wantRead || s.sum.Pending != n {
				t.Errorf("%d pending, run %d: %d records read for want of a line (Summary.Pending %d), want %d (%d)", n, run, read, s.sum.Pending, wantRead, n)
			}
			if run == 0 {
				first = got.Bytes()
			} else if !bytes.Equal(got.Bytes(), first) {
				t.Errorf("%d pending, run %d: listing\n%s\nwant, as the first run wrote it,\n%s", n, run, got.Bytes(), first)
			}
		}
	}
}

// TestStepCache checks that the cached steps are plan's, for every
// verdict, with and without disagreeing digests, in mailboxes that store
// keywords or not, and that the cached slices cannot be appended into.
func TestStepCache(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status inbox.MailboxStatus
	}{
		{"keywords allowed", inbox.MailboxStatus{KeywordsAllowed: true}},
		{"one keyword allowed", inbox.MailboxStatus{PermanentFlags: []string{`\Seen`, "$triage_ignore"}}},
		{"no keywords", inbox.MailboxStatus{}},
	} {
		s := listingSweeper(nil, 0, nil)
		s.status = tc.status
		c := stepCache{}
		for range 2 { // the second round reads the cache
			for _, v := range []policy.Verdict{policy.Clarify, policy.Accept, policy.Ignore, policy.Suspicious} {
				for _, disagree := range []bool{false, true} {
					r := state.Record{Suggested: v, Location: state.Location{Mailbox: "INBOX"}}
					_, _, want := s.plan(r, disagree)
					got := c.plan(s, r, disagree)
					if !slices.Equal(got, want) {
						t.Errorf("%s: stepCache.plan(%s, disagree %v) = %q, want %q", tc.name, v, disagree, got, want)
					}
					if cap(got) != len(got) {
						t.Errorf("%s: stepCache.plan(%s, disagree %v) has room to append into (cap %d, len %d)", tc.name, v, disagree, cap(got), len(got))
					}
				}
			}
		}
		if len(c) != 8 {
			t.Errorf("%s: %d cached plans, want 8", tc.name, len(c))
		}
	}
}

// BenchmarkEmitOpen measures a dry run's listing of 10,000 pending
// invitations carried over from earlier sweeps (with nothing new): store
// Views page by page, records, digest checks and entries. "discard" keeps
// nothing of the entries (the reading side alone); "json" writes the JSON
// lines a dry run writes for scripts, to nowhere, beside the readers as
// the command does.
func BenchmarkEmitOpen(b *testing.B) {
	const n = 10000
	store, err := state.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	seedListing(b, store, n)
	outputs := []struct {
		name string
		emit func(listed *int) func(report.Entry) error
	}{
		{"discard", func(listed *int) func(report.Entry) error {
			return func(report.Entry) error { *listed++; return nil }
		}},
		{"json", func(listed *int) func(report.Entry) error {
			w := report.NewJSON(io.Discard)
			return func(e report.Entry) error { *listed++; return w.Write(e) }
		}},
	}
	// The same records kept with their heads, listed as JSON from them.
	headStore, err := state.OpenOptions(b.TempDir(), state.Options{Lines: newHeadLines()})
	if err != nil {
		b.Fatal(err)
	}
	seedListing(b, headStore, n)
	outputs = append(outputs, struct {
		name string
		emit func(listed *int) func(report.Entry) error
	}{"json-heads", outputs[1].emit})
	for _, out := range outputs {
		b.Run(out.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				listed := 0
				s := listingSweeper(store, 0, out.emit(&listed))
				if out.name == "json-heads" {
					s.store, s.o.JSONLines = headStore, lineCounter{&listed}
				}
				if err := s.emitOpen(); err != nil {
					b.Fatal(err)
				}
				if listed != n {
					b.Fatalf("listed %d, want %d", listed, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
		})
	}
}

// lineCounter counts the lines written to it.
type lineCounter struct{ n *int }

func (c lineCounter) Write(p []byte) (int, error) {
	*c.n += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

// TestEmitOpenReleasesStoreForSlowOutput: while the output is stuck (a
// pipe nobody reads, a pager left open), the listing must not hold the
// store: another process's write goes through.
func TestEmitOpenReleasesStoreForSlowOutput(t *testing.T) {
	for _, readers := range []int{1, 2} {
		dir := t.TempDir()
		store, err := state.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		seedListing(t, store, 60)
		other, err := state.OpenOptions(dir, state.Options{Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		listed, wrote := 0, false
		s := listingSweeper(store, 4, func(report.Entry) error {
			listed++
			if listed == 1 {
				// The first line blocks the output until the other write is done.
				start := time.Now()
				err := other.SetPosition("work", "Archive", 9, 1)
				if err != nil {
					return fmt.Errorf("a write while the listing's output was stuck: %w (after %v)", err, time.Since(start))
				}
				wrote = true
			}
			return nil
		})
		if err := s.emitOpenWith(readers); err != nil {
			t.Fatalf("%d readers: %v", readers, err)
		}
		if !wrote || listed != 60 {
			t.Errorf("%d readers: listed %d entries, other write done %v; want 60 and true", readers, listed, wrote)
		}
	}
}

// seedMixedListing records n pending invitations (see seedListing) and
// around them every other kind of open record, and returns the keys of
// some of them as new in this run: intents among and after the pending
// records, records in another mailbox (which sorts first), a digest whose
// invitations disagree.
func seedMixedListing(t *testing.T, store *state.Store, n int) (newKeys []string) {
	t.Helper()
	seedListing(t, store, n)
	err := store.Update(func(tx *state.Tx) error {
		for i := 5; i < n; i += 97 {
			if err := tx.MarkIntent("work", state.KeyOf(listedInvitation(i, ""), 0), []string{"keyword $Triage_accept"}); err != nil {
				return err
			}
		}
		for i := range 3 {
			elsewhere := state.Location{Mailbox: "Archive", UIDValidity: 3, UID: uint32(i + 1), MessageID: fmt.Sprint("elsewhere-", i)}
			if _, _, err := tx.Put("work", state.NewRecord(listedInvitation(n+i, elsewhere.MessageID), 0, listedDecision(policy.Accept), nil, elsewhere, listT0)); err != nil {
				return err
			}
		}
		for j, v := range []policy.Verdict{policy.Accept, policy.Ignore} {
			digest := state.Location{Mailbox: "INBOX", UIDValidity: 7, UID: uint32(n/2) + 1, MessageID: listedMessageID(n / 2)}
			if _, _, err := tx.Put("work", state.NewRecord(listedInvitation(n+10+j, digest.MessageID), j+1, listedDecision(v), nil, digest, listT0)); err != nil {
				return err
			}
		}
		last := state.Location{Mailbox: "INBOX", UIDValidity: 7, UID: uint32(n + 100), MessageID: "last"}
		r := state.NewRecord(listedInvitation(n+20, "last"), 0, listedDecision(policy.Ignore), nil, last, listT0)
		if _, _, err := tx.Put("work", r); err != nil {
			return err
		}
		return tx.MarkIntent("work", r.Key, []string{"move Archive"})
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 7; i < n; i += 50 {
		newKeys = append(newKeys, state.KeyOf(listedInvitation(i, ""), 0))
	}
	return newKeys
}

// checkGoroutines fails t when more goroutines run than before, once
// those that are ending have had a moment.
func checkGoroutines(t *testing.T, what string, before int) {
	t.Helper()
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(2 * time.Second); n > before && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(time.Millisecond)
	}
	if n > before {
		var stacks strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
		t.Errorf("%s: %d goroutines left running, %d before:\n%s", what, n, before, stacks.String())
	}
}

// TestEmitOpenReadersListAsOne: however many readers read the pages, of
// whatever size, the listing is the plain one, entry for entry, and so is
// the count.
func TestEmitOpenReadersListAsOne(t *testing.T) {
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const n = 1500
	newKeys := seedMixedListing(t, store, n)
	isNew := map[string]bool{}
	for _, k := range newKeys {
		isNew[k] = true
	}
	want := referenceListing(t, store, isNew)
	pending, intents, err := store.PendingCount("work")
	if err != nil {
		t.Fatal(err)
	}
	// n less the new ones, 3 elsewhere, 2 in a digest, 1 intent after all.
	if wantLen := n - len(newKeys) + 2 + 1; len(want) != wantLen {
		t.Fatalf("reference lists %d entries, want %d", len(want), wantLen)
	}
	for _, page := range []int{1, 3, 1024} {
		for _, readers := range []int{1, 2, 3} {
			before := runtime.NumGoroutine()
			var got []report.Entry
			s := listingSweeper(store, page, func(e report.Entry) error { got = append(got, e); return nil })
			s.newKeys = newKeys
			if err := s.emitOpenWith(readers); err != nil {
				t.Fatalf("page %d, %d readers: emitOpen = %v", page, readers, err)
			}
			if len(got) != len(want) {
				t.Fatalf("page %d, %d readers: emitOpen listed %d entries, want %d", page, readers, len(got), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("page %d, %d readers: entry %d = %s %+v, want %s %+v", page, readers, i, got[i].Source, got[i].Actions, want[i].Source, want[i].Actions)
				}
			}
			if s.sum.Pending != pending+intents {
				t.Errorf("page %d, %d readers: Summary.Pending = %d, want %d", page, readers, s.sum.Pending, pending+intents)
			}
			checkGoroutines(t, fmt.Sprintf("page %d, %d readers", page, readers), before)
		}
	}
}

// TestEmitOpenFirstErrorInOrder: when pages fail to read, the listing
// writes the pages before the first that failed, in order, returns that
// page's error, however fast the readers of later pages failed, and
// leaves no reader running. A failing output stops it the same way.
func TestEmitOpenFirstErrorInOrder(t *testing.T) {
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const n, page = 80, 8
	seedListing(t, store, n)
	want := referenceListing(t, store, nil)
	// Spoil the last record of page 3, and the first of page 5, which
	// its reader meets at once.
	db, err := bolt.Open(store.Path(), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	spoilt := []string{state.KeyOf(listedInvitation(4*page-1, ""), 0), state.KeyOf(listedInvitation(5*page, ""), 0)}
	err = db.Update(func(tx *bolt.Tx) error {
		recs := tx.Bucket([]byte("acct")).Bucket([]byte("work")).Bucket([]byte("rec"))
		for _, k := range spoilt {
			if err := recs.Put([]byte(k), []byte{0x02, 0}); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	for _, readers := range []int{1, 2, 3} {
		for round := range 10 {
			before := runtime.NumGoroutine()
			var got []report.Entry
			s := listingSweeper(store, page, func(e report.Entry) error { got = append(got, e); return nil })
			err := s.emitOpenWith(readers)
			if err == nil || !strings.Contains(err.Error(), strconv.Quote(spoilt[0])) {
				t.Fatalf("%d readers, round %d: emitOpen = %v, want the error of record %s", readers, round, err, spoilt[0])
			}
			if !reflect.DeepEqual(got, want[:3*page]) {
				t.Fatalf("%d readers, round %d: listed %d entries before the error, want the %d of the pages before", readers, round, len(got), 3*page)
			}
			checkGoroutines(t, fmt.Sprintf("%d readers, round %d", readers, round), before)
		}
	}

	errStuck := errors.New("output closed")
	for _, readers := range []int{1, 2, 3} {
		before := runtime.NumGoroutine()
		listed := 0
		s := listingSweeper(store, page, func(report.Entry) error {
			if listed == page+3 {
				return errStuck
			}
			listed++
			return nil
		})
		if err := s.emitOpenWith(readers); !errors.Is(err, errStuck) || listed != page+3 {
			t.Errorf("%d readers: emitOpen with an output failing at entry %d = %v after %d entries, want %v", readers, page+3, err, listed, errStuck)
		}
		checkGoroutines(t, fmt.Sprintf("%d readers, failing output", readers), before)
	}
}
