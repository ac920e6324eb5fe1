package state

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/triagehq/triage/internal/policy"
)

// briefOf returns r as a brief decoding gives it: the fields BriefFields
// names set to zero (the constant is what this test reads, so it cannot
// drift from the decoder).
func briefOf(t testing.TB, r Record) Record {
	t.Helper()
	v := reflect.ValueOf(&r).Elem()
fields:
	for _, path := range strings.Split(BriefFields, ", ") {
		f := v
		for _, name := range strings.Split(path, ".") {
			if f.Kind() == reflect.Pointer {
				if f.IsNil() {
					continue fields
				}
				// Copy what the pointer shares with the caller's record.
				c := reflect.New(f.Type().Elem())
				c.Elem().Set(f.Elem())
				f.Set(c)
				f = c.Elem()
			}
			if f = f.FieldByName(name); !f.IsValid() {
				t.Fatalf("BriefFields names %q, which Record lacks", path)
			}
		}
		f.SetZero()
	}
	return r
}

func TestBriefDecode(t *testing.T) {
	full := filledRecord(t)
	enc, err := encodeRecord(full)
	if err != nil {
		t.Fatal(err)
	}
	reviewed := sampleRecord(3)
	reviewed.Review = &Review{Verdict: policy.Ignore, DecidedAt: t0, Note: "not now"}
	encReviewed, err := encodeRecord(reviewed)
	if err != nil {
		t.Fatal(err)
	}
	js, err := encodeRecordJSON(validVerdicts(full))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		v    []byte
		want Record
	}{
		{"every field set", enc, briefOf(t, full)},
		{"review without a draft", encReviewed, briefOf(t, reviewed)},
		{"JSON, decoded in full", js, roundTripJSON(t, validVerdicts(full))},
	} {
		got, err := decodeRecordIn(acct, tc.v, newListingArena(), true)
		if err != nil {
			t.Fatalf("%s: brief decodeRecordIn = %v", tc.name, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: brief decodeRecordIn differs: %v", tc.name, fieldDiff(reflect.ValueOf(got), reflect.ValueOf(tc.want), "Record"))
		}
	}
	if brief := briefOf(t, full); brief.Inviter.AcceptURL != "" || brief.Log != nil || brief.Review.Note != "" || full.Review.Note == "" {
		t.Fatalf("briefOf(filled record) kept %v or changed the original", fieldDiff(reflect.ValueOf(brief), reflect.ValueOf(full), "Record"))
	}
}

// TestArenaKeepsRecordsApart decodes records into one listing arena and
// checks that each keeps its own values: the strings are equal to what a
// record of its own gives, the reasons cannot be appended into the next
// record's, and the common strings are copied once.
func TestArenaKeepsRecordsApart(t *testing.T) {
	mem := newListingArena()
	var got, want []Record
	for i := range 3 * listingReasons { // several chunks of reasons
		v, err := encodeRecord(sampleRecord(i))
		if err != nil {
			t.Fatal(err)
		}
		r, err := decodeRecordIn(acct, v, mem, false)
		if err != nil {
			t.Fatal(err)
		}
		w, err := decodeRecord(acct, v)
		if err != nil {
			t.Fatal(err)
		}
		got, want = append(got, r), append(want, w)
	}
	for i := range got {
		if cap(got[i].Reasons) != len(got[i].Reasons) {
			t.Errorf("record %d: Reasons have cap %d, len %d: an append would write into the next record's", i, cap(got[i].Reasons), len(got[i].Reasons))
		}
		got[i].Reasons = append(got[i].Reasons, policy.Reason{Rule: "added"})
		got[i].Reasons[0].Why = fmt.Sprint("changed ", i)
	}
	for i := range got {
		want[i].Reasons = append(want[i].Reasons, policy.Reason{Rule: "added"})
		want[i].Reasons[0].Why = fmt.Sprint("changed ", i)
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("record %d decoded in a shared arena differs: %v", i, fieldDiff(reflect.ValueOf(got[i]), reflect.ValueOf(want[i]), "Record"))
		}
	}
	if len(mem.common) == 0 || len(mem.common) > 8 {
		t.Errorf("the arena keeps %d common strings, want the few that repeat: %q", len(mem.common), mem.common)
	}
	// The common strings stop at maxCommon.
	for i := range 2 * maxCommon {
		mem.shared(fmt.Appendf(nil, "rule %d", i))
	}
	if len(mem.common) != maxCommon {
		t.Errorf("the arena keeps %d common strings, want at most %d", len(mem.common), maxCommon)
	}
}

func TestArenaReasonSlice(t *testing.T) {
	mem := newListingArena()
	for _, n := range []int{0, 1, 3, listingReasons, listingReasons + 1, listingReasons - 1, 2} {
		s := mem.reasonSlice(n)
		if s == nil || len(s) != n || cap(s) != n {
			t.Errorf("reasonSlice(%d) = len %d, cap %d, nil %v; want a non-nil slice of len and cap %d", n, len(s), cap(s), s == nil, n)
		}
		if slices.ContainsFunc(s, func(r policy.Reason) bool { return r != policy.Reason{} }) {
			t.Errorf("reasonSlice(%d) = %v, want zero reasons", n, s)
		}
		for i := range s {
			s[i].Rule = "taken"
		}
	}
}

// TestRecordReader reads keys in every order through one reader and
// compares each value with Bucket.Get, in read-only and writable
// transactions (where a write between reads must not show stale values).
func TestRecordReader(t *testing.T) {
	db, err := bolt.Open(t.TempDir()+"/r.db", 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	name := []byte("rec")
	key := func(i int) []byte { return fmt.Appendf(nil, "inv:%04d", i) }
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(name)
		if err != nil {
			return err
		}
		for i := 0; i < 400; i += 2 { // even keys only: odd ones are missing
			if err := b.Put(key(i), bytes.Repeat(fmt.Appendf(nil, "%d;", i), 20)); err != nil {
				return err
			}
		}
		_, err = b.CreateBucket(key(401)) // a nested bucket is not a record
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	for i := range 403 {
		order = append(order, i)
	}
	reversed := slices.Clone(order)
	slices.Reverse(reversed)
	scattered := []int{5, 6, 8, 10, 398, 399, 0, 2, 2, 3, 4, 401, 402, 250, 252, 251, 254}
	for _, tc := range []struct {
		name  string
		order []int
	}{{"ascending", order}, {"descending", reversed}, {"scattered", scattered}} {
		for _, writable := range []bool{false, true} {
			fn := func(tx *bolt.Tx) error {
				b := tx.Bucket(name)
				rr := newRecordReader(b, !writable)
				for n, i := range tc.order {
					if writable && n%7 == 3 {
						// Rewrite the next key, as a transaction that
						// reads and writes would.
						if err := b.Put(key(i), []byte("rewritten")); err != nil {
							return err
						}
					}
					got, want := rr.value(key(i)), b.Get(key(i))
					if !bytes.Equal(got, want) || (got == nil) != (want == nil) {
						t.Errorf("%s, writable %v: value(%s) = %.20q, want %.20q", tc.name, writable, key(i), got, want)
					}
				}
				return nil
			}
			if writable {
				// Rolled back: each case starts from the same records.
				errRollback := errors.New("roll back")
				err = db.Update(func(tx *bolt.Tx) error {
					if err := fn(tx); err != nil {
						return err
					}
					return errRollback
				})
				if err != errRollback {
					t.Fatal(err)
				}
			} else if err := db.View(fn); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestOpenBriefPage checks that brief pages list the same records, in
// the same order and with the same cursors, as full ones, each the brief
// form of the full record.
func TestOpenBriefPage(t *testing.T) {
	s := newStore(t, t.TempDir())
	for i := range 40 {
		r := sampleRecord(i)
		r.Location.UID = uint32(100 - i) // keys and UIDs in opposite orders
		put(t, s, r)
		if i%3 == 0 {
			// A reminder gives the record a sighting and a history.
			rem := sampleRecord(i)
			rem.Location = loc(uint32(200+i), fmt.Sprintf("reminder-%d@linkedin.com", i))
			put(t, s, rem)
		}
	}
	for _, limit := range []int{1, 7, 0} {
		var full, brief []Record
		var fullCursors, briefCursors []string
		for _, b := range []bool{false, true} {
			cursor := ""
			for {
				err := s.View(func(tx *Tx) (err error) {
					page := tx.OpenPage
					if b {
						page = tx.OpenBriefPage
					}
					cursor, err = page(acct, Pending, cursor, limit, func(r Record) error {
						if b {
							brief = append(brief, r)
						} else {
							full = append(full, r)
						}
						return nil
					})
					return err
				})
				if err != nil {
					t.Fatalf("limit %d, brief %v: %v", limit, b, err)
				}
				if b {
					briefCursors = append(briefCursors, cursor)
				} else {
					fullCursors = append(fullCursors, cursor)
				}
				if cursor == "" {
					break
				}
			}
		}
		if len(full) != 40 || !slices.Equal(keysOf(brief), keysOf(full)) || !slices.Equal(briefCursors, fullCursors) {
			t.Fatalf("limit %d: brief pages list %v (cursors %q), full ones %v (%q)", limit, keysOf(brief), briefCursors, keysOf(full), fullCursors)
		}
		for i := range full {
			if want := briefOf(t, full[i]); !reflect.DeepEqual(brief[i], want) {
				t.Errorf("limit %d: brief record %s differs: %v", limit, full[i].Key, fieldDiff(reflect.ValueOf(brief[i]), reflect.ValueOf(want), "Record"))
			}
		}
		if full[0].Log == nil || full[0].Inviter.AcceptURL == "" {
			t.Fatalf("full record %s lacks its history or accept link", full[0].Key)
		}
	}
}

// TestVerdictsDisagreeAcrossAccounts asks one transaction about messages
// of two accounts in turn: the cursor it keeps must follow the account.
func TestVerdictsDisagreeAcrossAccounts(t *testing.T) {
	s := newStore(t, t.TempDir())
	mid := "digest@linkedin.com"
	for _, tc := range []struct {
		account string
		verdict policy.Verdict
	}{{"work", policy.Accept}, {"work", policy.Ignore}, {"home", policy.Accept}, {"home", policy.Accept}} {
		n := len(tc.account) + int(tc.verdict)*10
		r := NewRecord(invitation(fmt.Sprint(n), mid, "P"), 0, decision(tc.verdict, 5), nil, loc(3, mid), t0)
		if _, _, err := s.Put(tc.account, r); err != nil {
			t.Fatal(err)
		}
	}
	err := s.View(func(tx *Tx) error {
		for range 2 {
			for _, c := range []struct {
				account string
				want    bool
			}{{"work", true}, {"home", false}, {"nobody", false}} {
				got, err := tx.VerdictsDisagree(c.account, mid)
				if err != nil || got != c.want {
					t.Errorf("VerdictsDisagree(%q, %q) = %v, %v, want %v", c.account, mid, got, err, c.want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
