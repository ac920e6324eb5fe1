package state

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/triagehq/triage/internal/policy"
)

// testLines renders a record's line from the fields a listing shows, and
// keeps none for the records of invitations whose ID ends in 7.
type testLines struct{ tag uint64 }

func (l testLines) LineTag() uint64 { return l.tag }

func (l testLines) AppendLine(dst []byte, account string, r Record) ([]byte, bool) {
	if strings.HasSuffix(r.Inviter.InvitationID, "7") {
		return dst, false
	}
	return fmt.Appendf(dst, "%s|%s|%s|%d|%d|%s|%s|%d", account, r.Key, r.Location.Mailbox, r.Location.UIDValidity,
		r.Location.UID, r.EffectiveVerdict(), r.Inviter.Name, r.Score), true
}

// listLines lists acct's pending records with OpenLineRange under tag,
// page by page (per records a page, each page in its own View), and
// returns their keys in order and the keys given as lines. Each line is
// checked against the line its record renders now, read in full.
func listLines(t *testing.T, s *Store, tag uint64, per int, step string) (keys, lined []string) {
	t.Helper()
	var cursors []string
	if err := s.View(func(tx *Tx) (err error) { cursors, err = tx.OpenCursors(acct, Pending, per); return err }); err != nil {
		t.Fatalf("%s: OpenCursors = %v", step, err)
	}
	for i := range cursors {
		through := ""
		if i+1 < len(cursors) {
			through = cursors[i+1]
		}
		err := s.View(func(tx *Tx) error {
			return tx.OpenLineRange(acct, Pending, cursors[i], through, nil, tag, func(l *Line) error {
				r, err := tx.Get(acct, string(l.Key))
				if err != nil {
					return err
				}
				want, _ := testLines{tag}.AppendLine(nil, acct, r)
				loc := r.Location
				if !bytes.Equal(l.Text, want) || l.Verdict != r.EffectiveVerdict() || string(l.Mailbox) != loc.Mailbox ||
					l.UID != loc.UID || string(l.MessageID) != loc.MessageID || r.Action.State != Pending {
					t.Errorf("%s: line of %s = %q (%s, %s, %d, %q); its record renders %q (%s, %s, %d, %q, %s)", step, l.Key,
						l.Text, l.Verdict, l.Mailbox, l.UID, l.MessageID, want, r.EffectiveVerdict(), loc.Mailbox, loc.UID, loc.MessageID, r.Action.State)
				}
				keys, lined = append(keys, string(l.Key)), append(lined, string(l.Key))
				return nil
			}, func(r Record) error {
				keys = append(keys, r.Key)
				return nil
			})
		})
		if err != nil {
			t.Fatalf("%s: OpenLineRange page %d = %v", step, i, err)
		}
	}
	return keys, lined
}

// checkLineBucket checks that every line is kept under the open index key
// of a pending record: none is left behind by a change.
func checkLineBucket(t *testing.T, s *Store, step string) (n int) {
	t.Helper()
	err := s.View(func(tx *Tx) error {
		a, err := tx.account(acct, false)
		if err != nil || a == nil {
			return err
		}
		pend := a.Bucket(bucketPend).Cursor()
		return a.Bucket(bucketLine).ForEach(func(k, _ []byte) error {
			n++
			if pk, _ := pend.Seek(k); !bytes.Equal(pk, k) {
				t.Errorf("%s: line %q has no open index entry", step, k)
			}
			if !bytes.HasPrefix(k, []byte(Pending+"\x00")) {
				t.Errorf("%s: line %q is not of a pending record", step, k)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return n
}

// TestLinesFollowEveryChange makes random changes through a Store that
// renders lines and, now and then, through one that does not (an older
// command, say), and checks after each that a listing gives every pending
// record once, in order, as its line exactly when it has one rendered
// from what the record is now, and as the record otherwise.
func TestLinesFollowEveryChange(t *testing.T) {
	dir := t.TempDir()
	const tag = 0xfeed
	with, err := OpenOptions(dir, Options{Now: (&clock{t: t0}).Now, Lines: testLines{tag}})
	if err != nil {
		t.Fatal(err)
	}
	without := newStore(t, dir)
	rng := rand.New(rand.NewPCG(3, 4))
	var keys []string
	var sawLine, sawRecord int
	for i := range 400 {
		s, how := with, "with lines"
		if rng.IntN(6) == 0 {
			s, how = without, "without lines"
		}
		step, err := randomChange(s, rng, &keys)
		step = fmt.Sprintf("op %d %s %s (err %v)", i, how, step, err)
		want := scanOpen(t, with, Pending)
		got, lined := listLines(t, with, tag, 1+rng.IntN(5), step)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: listing = %v, want %v", step, got, want)
		}
		if n := checkLineBucket(t, with, step); n != len(lined) {
			t.Fatalf("%s: %d lines kept, %d given out", step, n, len(lined))
		}
		sawLine += len(lined)
		sawRecord += len(got) - len(lined)
		// Under another tag, every record is read.
		if got, lined := listLines(t, with, tag+1, 4, step+" other tag"); !slices.Equal(got, want) || len(lined) != 0 {
			t.Fatalf("%s: listing under another tag = %v (%d lines), want %v and none", step, got, len(lined), want)
		}
	}
	if sawLine == 0 || sawRecord == 0 || len(keys) < 20 {
		t.Errorf("the random sequence gave %d lines and %d records for %d keys: it does not exercise both", sawLine, sawRecord, len(keys))
	}
}

// TestLinesSkip checks that a skipped key is neither read nor given out
// as its line.
func TestLinesSkip(t *testing.T) {
	s, err := OpenOptions(t.TempDir(), Options{Now: (&clock{t: t0}).Now, Lines: testLines{1}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		id := fmt.Sprint(600 + i)
		put(t, s, NewRecord(invitation(id, id+"@x", "P "+id), 0, decision(policy.Accept, 5), nil, loc(uint32(10+i), id+"@x"), t0))
	}
	var got []string
	err = s.View(func(tx *Tx) error {
		skip := func(k []byte) bool { return string(k) == "inv:602" }
		return tx.OpenLineRange(acct, Pending, "", "", skip, 1,
			func(l *Line) error { got = append(got, "line "+string(l.Key)); return nil },
			func(r Record) error { got = append(got, "record "+r.Key); return nil })
	})
	want := []string{"line inv:600", "line inv:601", "line inv:603", "line inv:604"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("OpenLineRange with a skip = %v, %v; want %v", got, err, want)
	}
	// Intents have no lines, and a writable transaction gives none out.
	if err := s.MarkIntent(acct, "inv:601", nil); err != nil {
		t.Fatal(err)
	}
	got = nil
	err = s.Update(func(tx *Tx) error {
		return tx.OpenLineRange(acct, Pending, "", "", nil, 1,
			func(l *Line) error { got = append(got, "line "+string(l.Key)); return nil },
			func(r Record) error { got = append(got, "record "+r.Key); return nil })
	})
	want = []string{"record inv:600", "record inv:602", "record inv:603", "record inv:604"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("OpenLineRange in an Update = %v, %v; want %v", got, err, want)
	}
}

// TestMigrateSchema3 opens a schema 3 file (no "line" and "multi"
// buckets): it gains empty "line" buckets and "multi" ones built from the
// records, lists every record from the records, and keeps lines from the
// next change on.
func TestMigrateSchema3(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir)
	for i := range 4 {
		id := fmt.Sprint(700 + i)
		put(t, s, NewRecord(invitation(id, id+"@x", "P "+id), 0, decision(policy.Accept, 5), nil, loc(uint32(20+i), id+"@x"), t0))
	}
	// A digest whose invitations disagree.
	put(t, s, NewRecord(invitation("710", "<d@x>", "D1"), 0, decision(policy.Accept, 5), nil, loc(30, "<d@x>"), t0))
	put(t, s, NewRecord(invitation("711", "<d@x>", "D2"), 1, decision(policy.Ignore, -5), nil, loc(30, "<d@x>"), t0))
	db, err := bolt.Open(filepath.Join(dir, "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketLine, bucketMulti} {
			if err := tx.Bucket(bucketAccts).Bucket([]byte(acct)).DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyVersion, []byte("3"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s, err = OpenOptions(dir, Options{Now: (&clock{t: t0}).Now, Lines: testLines{9}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.View(func(tx *Tx) error {
		if n, err := tx.version(); n != schemaVersion || err != nil {
			t.Errorf("schema after opening a schema 3 file = %d, %v; want %d", n, err, schemaVersion)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkDisagree(t, s, "after migration")
	if err := s.View(func(tx *Tx) error {
		if disagree, err := tx.VerdictsDisagree(acct, "<d@x>"); !disagree || err != nil {
			t.Errorf("VerdictsDisagree of the digest after migration = %v, %v; want true", disagree, err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	keys, lined := listLines(t, s, 9, 2, "after migration")
	if want := scanOpen(t, s, Pending); !slices.Equal(keys, want) || len(lined) != 0 {
		t.Errorf("listing after migration = %v (lines %v), want %v from the records", keys, lined, want)
	}
	if err := s.SetReview(acct, "inv:702", Review{Verdict: policy.Ignore}); err != nil {
		t.Fatal(err)
	}
	if _, lined := listLines(t, s, 9, 2, "after a review"); !slices.Equal(lined, []string{"inv:702"}) {
		t.Errorf("lines after a review of inv:702 = %v, want just it", lined)
	}
}
