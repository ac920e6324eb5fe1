package state

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

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
// schema3 makes a schema 3 state file in a new directory, with four
// pending invitations and a digest whose two invitations disagree.
func schema3(t *testing.T) (dir string) {
	t.Helper()
	dir = t.TempDir()
	s := newStore(t, dir)
	for i := range 4 {
		id := fmt.Sprint(700 + i)
		put(t, s, NewRecord(invitation(id, id+"@x", "P "+id), 0, decision(policy.Accept, 5), nil, loc(uint32(20+i), id+"@x"), t0))
	}
	// A digest whose invitations disagree.
	put(t, s, NewRecord(invitation("710", "<d@x>", "D1"), 0, decision(policy.Accept, 5), nil, loc(30, "<d@x>"), t0))
	put(t, s, NewRecord(invitation("711", "<d@x>", "D2"), 1, decision(policy.Ignore, -5), nil, loc(30, "<d@x>"), t0))
	downgrade(t, dir)
	return dir
}

// downgrade turns the state file in dir into a schema 3 one.
func downgrade(t *testing.T, dir string) {
	t.Helper()
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
}

// TestMessageIDWithNULRefused checks that a record whose Message-ID
// holds a NUL, which ends the Message-ID in the index's keys and would
// mix its digest up with other messages, is refused and nothing of it is
// kept.
func TestMessageIDWithNULRefused(t *testing.T) {
	s := newStore(t, t.TempDir())
	put(t, s, NewRecord(invitation("1", "<m>", "Single"), 0, decision(policy.Accept, 5), nil, loc(1, "<m>"), t0))
	err := s.Update(func(tx *Tx) error {
		_, _, err := tx.Put(acct, NewRecord(invitation("2", "<m>\x00a", "Digest"), 0, decision(policy.Ignore, -5), nil, loc(2, "<m>\x00a"), t0))
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Fatalf("Put of a record whose Message-ID holds a NUL = %v, want an error saying so", err)
	}
	if err := s.View(func(tx *Tx) error {
		if _, err := tx.Get(acct, "inv:2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("the refused record: Get = %v, want ErrNotFound", err)
		}
		if rs, err := tx.ByMessageID(acct, "<m>"); len(rs) != 1 || err != nil {
			t.Errorf("ByMessageID(<m>) = %d records, %v; want the one", len(rs), err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// A record an older triage stored with one still changes as any other.
	legacy := NewRecord(invitation("3", "<l>\x00x", "Legacy"), 0, decision(policy.Clarify, 0), nil, loc(3, "<l>\x00x"), t0)
	legacy.Action.State = Pending
	if err := s.Update(func(tx *Tx) error {
		a, err := tx.account(acct, true)
		if err != nil {
			return err
		}
		return tx.save(a, legacy, "")
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetReview(acct, legacy.Key, Review{Verdict: policy.Ignore}); err != nil {
		t.Errorf("SetReview of a record stored with a NUL in its Message-ID = %v", err)
	}
	if err := s.Update(func(tx *Tx) error { return tx.MarkSkipped(acct, legacy.Key, "gone") }); err != nil {
		t.Errorf("MarkSkipped of a record stored with a NUL in its Message-ID = %v", err)
	}
}

func TestMigrateSchema3(t *testing.T) {
	dir := schema3(t)
	s, err := OpenOptions(dir, Options{Now: (&clock{t: t0}).Now, Lines: testLines{9}})
	if err != nil {
		t.Fatal(err)
	}
	wantSchema(t, s, "after opening a schema 3 file")
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

	// A listing that read records has their lines rendered, once.
	if n, err := s.FillLines(acct); n != len(keys)-1 || err != nil {
		t.Errorf("FillLines = %d, %v; want %d (all but the reviewed one)", n, err, len(keys)-1)
	}
	if keys2, lined := listLines(t, s, 9, 2, "after FillLines"); !slices.Equal(keys2, keys) || !slices.Equal(lined, keys) {
		t.Errorf("listing after FillLines = %v (lines %v), want every one of %v as a line", keys2, lined, keys)
	}
	if n, err := s.FillLines(acct); n != 0 || err != nil {
		t.Errorf("FillLines again = %d, %v; want 0", n, err)
	}
	checkLineBucket(t, s, "after FillLines")
	// Another rendering renders them all again; a Store without one none.
	other, err := OpenOptions(dir, Options{Now: (&clock{t: t0}).Now, Lines: testLines{10}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := other.FillLines(acct); n != len(keys) || err != nil {
		t.Errorf("FillLines under another tag = %d, %v; want %d", n, err, len(keys))
	}
	if _, lined := listLines(t, other, 10, 3, "after FillLines under tag 10"); !slices.Equal(lined, keys) {
		t.Errorf("lines under tag 10 = %v, want %v", lined, keys)
	}
	if n, err := newStore(t, dir).FillLines(acct); n != 0 || err != nil {
		t.Errorf("FillLines without a renderer = %d, %v; want 0", n, err)
	}
	if n, err := other.FillLines("nobody"); n != 0 || err != nil {
		t.Errorf("FillLines of an unknown account = %d, %v; want 0", n, err)
	}
}

// TestMigrationWaitsForSweep checks that a file is not upgraded while a
// sweep (of an older triage, which would go on writing the old layout)
// holds an account's lock, and is once it ends.
func TestMigrationWaitsForSweep(t *testing.T) {
	dir := schema3(t)
	path := (&Store{dir: dir}).lockPath(acct)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ok, err := tryLock(f); !ok || err != nil {
		t.Fatalf("tryLock = %v, %v", ok, err)
	}
	f.WriteString("4242\n")
	_, err = OpenOptions(dir, Options{Timeout: time.Second})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid 4242") || !strings.Contains(err.Error(), acct) {
		t.Fatalf("OpenOptions of a schema 3 file during a sweep = %v; want ErrLocked naming the account and pid 4242", err)
	}
	db, err := bolt.Open(filepath.Join(dir, "state.db"), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyVersion); string(v) != "3" {
			t.Errorf("schema after a refused upgrade = %q, want 3", v)
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	if err := unlockFile(f); err != nil {
		t.Fatal(err)
	}
	s, err := OpenOptions(dir, Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("OpenOptions once the sweep ended = %v", err)
	}
	// The upgrade let go of the locks it held.
	unlock, err := s.LockSweep(acct)
	if err != nil {
		t.Fatalf("LockSweep after the upgrade = %v", err)
	}
	unlock()
}

// TestDamagedLine checks that a damaged line is passed over, its record
// listed instead, and rendered again by FillLines.
func TestDamagedLine(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenOptions(dir, Options{Now: (&clock{t: t0}).Now, Lines: testLines{5}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		id := fmt.Sprint(800 + i)
		put(t, s, NewRecord(invitation(id, id+"@x", "P "+id), 0, decision(policy.Accept, 5), nil, loc(uint32(40+i), id+"@x"), t0))
	}
	keys, lined := listLines(t, s, 5, 10, "as saved")
	if len(keys) != 3 || !slices.Equal(lined, keys) {
		t.Fatalf("listing as saved = %v (lines %v), want 3 lines", keys, lined)
	}
	// The second line: under the tag, with a Message-ID length past its end.
	err = s.Update(func(tx *Tx) error {
		a, err := tx.account(acct, false)
		if err != nil {
			return err
		}
		c := a.Bucket(bucketLine).Cursor()
		c.First()
		k, _ := c.Next()
		return a.Bucket(bucketLine).Put(bytes.Clone(k), []byte{0, 0, 0, 0, 0, 0, 0, 5, 1, 0x7f, 'x'})
	})
	if err != nil {
		t.Fatal(err)
	}
	keys2, lined := listLines(t, s, 5, 10, "with a damaged line")
	if !slices.Equal(keys2, keys) || !slices.Equal(lined, []string{keys[0], keys[2]}) {
		t.Errorf("listing with a damaged line = %v (lines %v), want %v with the second from its record", keys2, lined, keys)
	}
	if n, err := s.FillLines(acct); n != 1 || err != nil {
		t.Errorf("FillLines = %d, %v; want the damaged one rendered again", n, err)
	}
	if _, lined := listLines(t, s, 5, 10, "repaired"); !slices.Equal(lined, keys) {
		t.Errorf("lines once repaired = %v, want %v", lined, keys)
	}
}

// TestUpgradeHoldsSweepLocks checks that no sweep starts while an upgrade
// holds the sweep locks, and that every lock file counts, not only those
// of the accounts the file knows.
func TestUpgradeHoldsSweepLocks(t *testing.T) {
	s := newStore(t, t.TempDir())
	for _, name := range []string{acct, "new account/ä"} {
		unlock, err := s.LockSweep(name)
		if err != nil {
			t.Fatal(err)
		}
		unlock()
	}
	release, err := s.holdIdleLocks()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{acct, "new account/ä"} {
		if _, err := s.LockSweep(name); !errors.Is(err, ErrLocked) {
			t.Errorf("LockSweep(%q) during an upgrade = %v, want ErrLocked", name, err)
		}
	}
	release()
	unlock, err := s.LockSweep("new account/ä")
	if err != nil {
		t.Fatalf("LockSweep after the upgrade = %v", err)
	}
	defer unlock()
	_, err = s.holdIdleLocks()
	var ule *upgradeLockedError
	if !errors.As(err, &ule) || ule.account != "new account/ä" || !errors.Is(err, ErrLocked) {
		t.Errorf("holdIdleLocks while a sweep of an account the file does not know runs = %v, want an upgradeLockedError naming it", err)
	}
}

// TestConcurrentUpgrades starts two triages on a schema 3 file at once,
// each then sweeping its own account: the one that comes second finds the
// file upgraded, or waits for the first to finish upgrading it, and never
// fails because the first holds a lock.
func TestConcurrentUpgrades(t *testing.T) {
	for i := range 30 {
		dir := schema3(t)
		s := &Store{dir: dir}
		for _, name := range []string{"a", "b"} {
			if err := os.WriteFile(s.lockPath(name), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		errs := make(chan error, 2)
		for _, name := range []string{"a", "b"} {
			go func() {
				s, err := OpenOptions(dir, Options{Timeout: 5 * time.Second})
				if err != nil {
					errs <- fmt.Errorf("OpenOptions for %s: %w", name, err)
					return
				}
				unlock, err := s.LockSweep(name)
				if err != nil {
					errs <- fmt.Errorf("LockSweep(%s): %w", name, err)
					return
				}
				time.Sleep(20 * time.Millisecond) // sweeping
				errs <- unlock()
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatalf("run %d: %v", i, err)
			}
		}
	}
}

// TestUpgradeWithoutAccounts opens an older file that has no account
// bucket.
func TestUpgradeWithoutAccounts(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		return b.Put(keyVersion, []byte("3"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenOptions(dir, Options{})
	if err != nil {
		t.Fatalf("OpenOptions = %v", err)
	}
	if names, err := s.Accounts(); len(names) != 0 || err != nil {
		t.Errorf("Accounts = %v, %v; want none", names, err)
	}
}

// TestFillLinesInBatches renders the lines of more records than one write
// transaction takes, and counts only the lines written: none for records
// the renderer keeps none of (IDs ending in 7), nor for those that have
// one.
func TestFillLinesInBatches(t *testing.T) {
	dir := t.TempDir()
	plain := newStore(t, dir)
	const n = 2*fillBatch + 100
	want := 0
	err := plain.Update(func(tx *Tx) error {
		for i := range n {
			id := fmt.Sprint(10000 + i)
			if !strings.HasSuffix(id, "7") {
				want++
			}
			if _, _, err := tx.Put(acct, NewRecord(invitation(id, id+"@x", "P "+id), 0, decision(policy.Accept, 5), nil, loc(uint32(i+1), id+"@x"), t0)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenOptions(dir, Options{Now: (&clock{t: t0}).Now, Lines: testLines{3}})
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, NewRecord(invitation("1", "1@x", "Lined"), 0, decision(policy.Ignore, -5), nil, loc(n+1, "1@x"), t0))
	if got, err := s.FillLines(acct); got != want || err != nil {
		t.Errorf("FillLines = %d, %v; want %d", got, err, want)
	}
	if got, err := s.FillLines(acct); got != 0 || err != nil {
		t.Errorf("FillLines again = %d, %v; want 0", got, err)
	}
	keys, lined := listLines(t, s, 3, 500, "after FillLines")
	if len(keys) != n+1 || len(lined) != want+1 {
		t.Errorf("listing after FillLines: %d records, %d as lines; want %d and %d", len(keys), len(lined), n+1, want+1)
	}
	checkLineBucket(t, s, "after FillLines")
}

// TestMigrateSchema4 opens a file an older triage wrote (schema 4, its
// reminders' records in formatBinary1, without ReminderOf): each
// reminder's record gains the Message-ID of its invitation's message,
// found by the invitation's key at the end of its own, also behind a
// reminder's Message-ID with a space and a false "msg:" in it; nothing
// else changes, and the file is schema 5.
func TestMigrateSchema4(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir)
	byID, _ := put(t, s, NewRecord(invitation("6900010", "<a@x>", "Ada Byron"), 0, decision(policy.Accept, 5), nil, loc(10, "<a@x>"), t0))
	byMsg, _ := put(t, s, NewRecord(invitation("", "<b c@x>", "Bea Cole"), 0, decision(policy.Ignore, -5), nil, loc(11, "<b c@x>"), t0))
	var want []Record
	for _, f := range []struct {
		of  Record
		loc Location
	}{{byID, loc(40, "<ra@x>")}, {byMsg, loc(41, "<r msg:z>")}} {
		if err := s.Update(func(tx *Tx) error {
			r, _, err := tx.FileReminder(acct, f.of, f.loc)
			want = append(want, r)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if want[0].ReminderOf != "<a@x>" || want[1].ReminderOf != "<b c@x>" {
		t.Fatalf("FileReminder: ReminderOf = %q, %q; want <a@x>, <b c@x>", want[0].ReminderOf, want[1].ReminderOf)
	}

	// What schema 4 wrote: format 1 records without ReminderOf.
	db, err := bolt.Open(filepath.Join(dir, "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		rec := tx.Bucket(bucketAccts).Bucket([]byte(acct)).Bucket(bucketRec)
		for _, r := range want {
			r.ReminderOf = ""
			v, err := encodeRecord(r)
			if err != nil {
				return err
			}
			v = append([]byte{formatBinary1}, v[1:len(v)-1]...)
			if err := rec.Put([]byte(r.Key), v); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyVersion, []byte("4"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range want {
		if got, err := s.Get(acct, r.Key); err != nil || got.ReminderOf != "" {
			t.Fatalf("the downgraded record %q: ReminderOf %q, %v; want none", r.Key, got.ReminderOf, err)
		}
	}

	s = newStore(t, dir)
	wantSchema(t, s, "after opening a schema 4 file")
	for _, w := range want {
		got, err := s.Get(acct, w.Key)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("record %q after migration: %v", w.Key, fieldDiff(reflect.ValueOf(got), reflect.ValueOf(w), "Record"))
		}
	}
	for _, r := range []Record{byID, byMsg} {
		if got, err := s.Get(acct, r.Key); err != nil || got.ReminderOf != "" {
			t.Errorf("invitation %q after migration: ReminderOf %q, %v; want none", r.Key, got.ReminderOf, err)
		}
	}
}

// wantSchema checks that the file of s records this package's schema.
func wantSchema(t *testing.T, s *Store, when string) {
	t.Helper()
	if err := s.View(func(tx *Tx) error {
		if n, err := tx.version(); n != schemaVersion || err != nil {
			t.Errorf("schema %s = %d, %v; want %d", when, n, err, schemaVersion)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
