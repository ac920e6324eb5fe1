package state

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// seedCursors records n records, in two mailboxes, their keys and UIDs in
// different orders, and turns every fifth into an intent.
func seedCursors(t *testing.T, s *Store, n int) {
	t.Helper()
	err := s.Update(func(tx *Tx) error {
		for i := range n {
			r := sampleRecord(i)
			r.Location.UID = uint32(1 + (i*37)%n)
			if i%4 == 0 {
				r.Location.Mailbox = "Archive"
			}
			if _, _, err := tx.Put(acct, r); err != nil {
				return err
			}
			if i%5 == 0 {
				if err := tx.MarkIntent(acct, r.Key, []string{"keyword $Triage_accept"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// openPages walks OpenPage with limit per, each page in its own View, and
// returns the cursor each page started from and the keys of each page.
func openPages(t *testing.T, s *Store, st ActionState, per int) (cursors []string, pages [][]string) {
	t.Helper()
	cursor := ""
	for {
		cursors = append(cursors, cursor)
		var page []string
		err := s.View(func(tx *Tx) (err error) {
			cursor, err = tx.OpenPage(acct, st, cursor, per, func(r Record) error { page = append(page, r.Key); return nil })
			return err
		})
		if err != nil {
			t.Fatalf("OpenPage(%s, %d) = %v", st, per, err)
		}
		pages = append(pages, page)
		if cursor == "" {
			return cursors, pages
		}
	}
}

// rangePages reads the page of each cursor with OpenBriefRange, up to the
// next cursor, each in its own View.
func rangePages(t *testing.T, s *Store, st ActionState, cursors []string) [][]string {
	t.Helper()
	pages := make([][]string, len(cursors))
	for i, after := range cursors {
		through := ""
		if i+1 < len(cursors) {
			through = cursors[i+1]
		}
		err := s.View(func(tx *Tx) error {
			return tx.OpenBriefRange(acct, st, after, through, nil, func(r Record) error {
				if r.Action.State != st {
					return fmt.Errorf("record %s is %s", r.Key, r.Action.State)
				}
				pages[i] = append(pages[i], r.Key)
				return nil
			})
		})
		if err != nil {
			t.Fatalf("OpenBriefRange(%s, %q, %q) = %v", st, after, through, err)
		}
	}
	return pages
}

func cursorsOf(t *testing.T, s *Store, account string, st ActionState, per int) []string {
	t.Helper()
	var cursors []string
	err := s.View(func(tx *Tx) (err error) {
		cursors, err = tx.OpenCursors(account, st, per)
		return err
	})
	if err != nil {
		t.Fatalf("OpenCursors(%q, %s, %d) = %v", account, st, per, err)
	}
	return cursors
}

// TestOpenCursorsStartOpenPages checks OpenCursors against a walk of
// OpenPage: the same cursors, and OpenBriefRange between them reads the
// same pages.
func TestOpenCursorsStartOpenPages(t *testing.T) {
	s := newStore(t, t.TempDir())
	seedCursors(t, s, 50) // 40 pending, 10 intents
	for _, st := range []ActionState{Pending, Intent} {
		for _, per := range []int{1, 2, 3, 7, 10, 39, 40, 41, 1024} {
			wantCursors, wantPages := openPages(t, s, st, per)
			got := cursorsOf(t, s, acct, st, per)
			if !slices.Equal(got, wantCursors) {
				t.Fatalf("OpenCursors(%s, %d) = %q, want (OpenPage's) %q", st, per, got, wantCursors)
			}
			if gotPages := rangePages(t, s, st, got); !slices.EqualFunc(gotPages, wantPages, slices.Equal) {
				t.Errorf("%s, %d a page: OpenBriefRange pages = %v, want (OpenPage's) %v", st, per, gotPages, wantPages)
			}
		}
	}
	if n := len(cursorsOf(t, s, acct, Pending, 7)); n != 6 {
		t.Errorf("40 pending records, 7 a page: %d cursors, want 6", n)
	}
	// No records: one empty page.
	for _, account := range []string{"nobody", acct} {
		st := Pending
		if account == acct {
			st = Done
		}
		if got := cursorsOf(t, s, account, st, 3); !slices.Equal(got, []string{""}) {
			t.Errorf("OpenCursors(%q, %s, 3) = %q, want [\"\"]", account, st, got)
		}
	}
	err := s.View(func(tx *Tx) error {
		if _, err := tx.OpenCursors(acct, Pending, 0); err == nil || !strings.Contains(err.Error(), "not positive") {
			t.Errorf("OpenCursors with page size 0 = %v, want an error", err)
		}
		intent := cursorsOf(t, s, acct, Intent, 1)[1]
		if err := tx.OpenBriefRange(acct, Pending, "", intent, nil, func(Record) error { return nil }); err == nil || !strings.Contains(err.Error(), "is not one of pending records") {
			t.Errorf("OpenBriefRange of pending records through an intent's cursor = %v, want an error", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOpenBriefRangeAfterChanges: records written after the cursors were
// taken change the pages, but the pages still neither overlap nor leave a
// gap, even when records at the cursors are gone.
func TestOpenBriefRangeAfterChanges(t *testing.T) {
	s := newStore(t, t.TempDir())
	seedCursors(t, s, 50)
	const per = 4
	cursors := cursorsOf(t, s, acct, Pending, per)
	_, before := openPages(t, s, Pending, per)
	err := s.Update(func(tx *Tx) error {
		// Done: the records at two cursors (cursors[2] and [3]); a
		// whole page in intent; a record skipped.
		for _, key := range append(before[1][per-1:], before[2][per-1]) {
			if err := tx.MarkIntent(acct, key, []string{"move Archive"}); err != nil {
				return err
			}
			if err := tx.MarkDone(acct, key, t0.Add(time.Hour)); err != nil {
				return err
			}
		}
		for _, key := range before[3] {
			if err := tx.MarkIntent(acct, key, []string{"move Archive"}); err != nil {
				return err
			}
		}
		if err := tx.MarkSkipped(acct, before[len(before)-2][per-1], "gone"); err != nil {
			return err
		}
		// New: before the first, between pages, after the last.
		for i, l := range []Location{
			{Mailbox: "Archive", UIDValidity: 7, UID: 0},
			{Mailbox: "INBOX", UIDValidity: 7, UID: 13},
			{Mailbox: "INBOX", UIDValidity: 7, UID: 26},
			{Mailbox: "Zzz", UIDValidity: 1, UID: 1},
		} {
			r := sampleRecord(900 + i)
			r.Location = l
			if _, _, err := tx.Put(acct, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, page := range rangePages(t, s, Pending, cursors) {
		got = append(got, page...)
	}
	want := scanOpen(t, s, Pending)
	if !slices.Equal(got, want) {
		t.Errorf("pages read after the changes = %v, want (full scan) %v", got, want)
	}
	// 40, less 2 done, a page in intent and 1 skipped, and 4 new.
	if len(want) != 40-2-per-1+4 {
		t.Errorf("%d pending records after the changes, want %d", len(want), 40-2-per-1+4)
	}
}

// TestOpenBriefRangeSkip: the records skip reports are not read, the
// others are, in order, and skip sees every key of the range.
func TestOpenBriefRangeSkip(t *testing.T) {
	s := newStore(t, t.TempDir())
	seedCursors(t, s, 40)
	var all []string
	_, pages := openPages(t, s, Pending, 0)
	for _, p := range pages {
		all = append(all, p...)
	}
	var seen, read []string
	err := s.View(func(tx *Tx) error {
		return tx.OpenBriefRange(acct, Pending, "", "", func(key []byte) bool {
			seen = append(seen, string(key))
			return len(seen)%3 == 0
		}, func(r Record) error {
			read = append(read, r.Key)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, k := range all {
		if (i+1)%3 != 0 {
			want = append(want, k)
		}
	}
	if !slices.Equal(seen, all) {
		t.Errorf("skip saw %q, want every key %q", seen, all)
	}
	if len(want) == 0 || !slices.Equal(read, want) {
		t.Errorf("read %q, want %q (every third skipped)", read, want)
	}
}
