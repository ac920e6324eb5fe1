package state

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/triagehq/triage/internal/policy"
)

// scanOpen lists account's records in state st by reading every record,
// ordered as the open index orders them: the reference the index must
// agree with.
func scanOpen(t *testing.T, s *Store, st ActionState) []string {
	t.Helper()
	recs, err := s.Records(acct)
	if err != nil {
		t.Fatalf("Records = %v", err)
	}
	recs = slices.DeleteFunc(recs, func(r Record) bool { return r.Action.State != st })
	slices.SortFunc(recs, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.Location.Mailbox, b.Location.Mailbox),
			cmp.Compare(a.Location.UIDValidity, b.Location.UIDValidity),
			cmp.Compare(a.Location.UID, b.Location.UID), cmp.Compare(a.Key, b.Key))
	})
	return keysOf(recs)
}

func keysOf(recs []Record) []string {
	keys := make([]string, len(recs))
	for i, r := range recs {
		keys[i] = r.Key
	}
	return keys
}

// checkIndex compares Pending, Unconfirmed, paged reads and PendingCount
// with a full scan.
func checkIndex(t *testing.T, s *Store, step string) {
	t.Helper()
	wantP, wantI := scanOpen(t, s, Pending), scanOpen(t, s, Intent)
	pend, err := s.Pending(acct)
	if err != nil {
		t.Fatalf("%s: Pending = %v", step, err)
	}
	unconf, err := s.Unconfirmed(acct)
	if err != nil {
		t.Fatalf("%s: Unconfirmed = %v", step, err)
	}
	if got := keysOf(pend); !slices.Equal(got, wantP) {
		t.Fatalf("%s: Pending = %v, want (full scan) %v", step, got, wantP)
	}
	if got := keysOf(unconf); !slices.Equal(got, wantI) {
		t.Fatalf("%s: Unconfirmed = %v, want (full scan) %v", step, got, wantI)
	}
	// Page by page, three at a time, each page in its own View.
	var paged []string
	cursor := ""
	for {
		err := s.View(func(tx *Tx) (err error) {
			cursor, err = tx.OpenPage(acct, Pending, cursor, 3, func(r Record) error { paged = append(paged, r.Key); return nil })
			return err
		})
		if err != nil {
			t.Fatalf("%s: OpenPage = %v", step, err)
		}
		if cursor == "" {
			break
		}
	}
	if !slices.Equal(paged, wantP) {
		t.Fatalf("%s: OpenPage pages = %v, want %v", step, paged, wantP)
	}
	np, ni, err := s.PendingCount(acct)
	if err != nil || np != len(wantP) || ni != len(wantI) {
		t.Fatalf("%s: PendingCount = %d, %d, %v, want %d, %d", step, np, ni, err, len(wantP), len(wantI))
	}
	checkDisagree(t, s, step)
}

// checkDisagree compares VerdictsDisagree, for every Message-ID of every
// record, with the verdicts of all the records made from that message.
func checkDisagree(t *testing.T, s *Store, step string) {
	t.Helper()
	recs, err := s.Records(acct)
	if err != nil {
		t.Fatalf("%s: Records = %v", step, err)
	}
	verdicts := map[string][]policy.Verdict{}
	for _, r := range recs {
		verdicts[r.Location.MessageID] = append(verdicts[r.Location.MessageID], r.EffectiveVerdict())
		for _, rm := range r.Reminders {
			if _, ok := verdicts[rm.Location.MessageID]; !ok {
				verdicts[rm.Location.MessageID] = nil
			}
		}
	}
	err = s.View(func(tx *Tx) error {
		for mid, vs := range verdicts {
			want := slices.ContainsFunc(vs, func(v policy.Verdict) bool { return v != vs[0] })
			got, err := tx.VerdictsDisagree(acct, mid)
			if err != nil || got != want {
				t.Errorf("%s: VerdictsDisagree(%q) = %v, %v; its records' verdicts are %v", step, mid, got, err, vs)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenIndexFollowsEveryChange(t *testing.T) {
	s := newStore(t, t.TempDir())
	rng := rand.New(rand.NewPCG(1, 2))
	var keys []string
	for i := range 300 {
		step, err := randomChange(s, rng, &keys)
		_ = err // ErrState is expected for disallowed transitions
		checkIndex(t, s, fmt.Sprintf("op %d %s (err %v)", i, step, err))
	}
	np, ni, _ := s.PendingCount(acct)
	if np == 0 || ni == 0 || len(keys) < 20 {
		t.Errorf("the random sequence left %d pending, %d intents of %d records: it does not exercise the index", np, ni, len(keys))
	}
}

// randomChange makes one random change to the records of acct through s,
// among every kind the sweeps make, keys being the records so far, and
// says what it did.
func randomChange(s *Store, rng *rand.Rand, keys *[]string) (step string, err error) {
	mailboxes := []string{"INBOX", "Archive"}
	op := rng.IntN(8)
	if len(*keys) == 0 {
		op = 0
	}
	k := ""
	if len(*keys) > 0 {
		k = (*keys)[rng.IntN(len(*keys))]
	}
	switch op {
	case 0, 1: // a new invitation, or a rescan or reminder of one
		id := fmt.Sprint(100 + rng.IntN(40))
		mid := fmt.Sprintf("<m%d@linkedin.com>", rng.IntN(60))
		l := Location{Mailbox: mailboxes[rng.IntN(2)], UIDValidity: uint32(1 + rng.IntN(2)), UID: uint32(1 + rng.IntN(50)), MessageID: mid}
		r := NewRecord(invitation(id, mid, "Person "+id), 0, decision(policy.Accept, 5), nil, l, t0)
		var res PutResult
		_, res, err = s.Put(acct, r)
		if res == Added && err == nil {
			*keys = append(*keys, r.Key)
		}
		return fmt.Sprintf("Put(%s at %+v)", r.Key, l), err
	case 2:
		return "MarkIntent(" + k + ")", s.MarkIntent(acct, k, []string{"keyword $Triage_accept"})
	case 3:
		return "MarkDone(" + k + ")", s.MarkDone(acct, k, t0)
	case 4:
		return "MarkSkipped(" + k + ")", s.MarkSkipped(acct, k, "gone")
	case 5:
		l := Location{Mailbox: mailboxes[rng.IntN(2)], UIDValidity: 3, UID: uint32(1 + rng.IntN(50))}
		return fmt.Sprintf("Relocate(%s, %+v)", k, l), s.Relocate(acct, k, l)
	case 6:
		v := []policy.Verdict{policy.Accept, policy.Ignore, policy.Clarify}[rng.IntN(3)]
		return fmt.Sprintf("SetReview(%s, %s)", k, v), s.SetReview(acct, k, Review{Verdict: v})
	default: // several changes in one transaction, the last one failing
		err = s.Update(func(tx *Tx) error {
			if err := tx.MarkIntent(acct, k, nil); err != nil {
				return err
			}
			return fmt.Errorf("rolled back")
		})
		return "rolled-back MarkIntent(" + k + ")", err
	}
}

func TestMigrateSchema1(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir)
	for i := range 6 {
		id := fmt.Sprint(500 + i)
		put(t, s, NewRecord(invitation(id, id+"@x", "P "+id), 0, decision(policy.Accept, 5), nil, loc(uint32(60-i), id+"@x"), t0))
	}
	if err := s.MarkIntent(acct, "inv:501", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkIntent(acct, "inv:502", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkDone(acct, "inv:502", t0); err != nil {
		t.Fatal(err)
	}
	want := scanOpen(t, s, Pending)

	// Turn the file into what schema 1 wrote: no "pend" bucket, "open"
	// mapping keys to their state.
	db, err := bolt.Open(filepath.Join(dir, "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		a := tx.Bucket(bucketAccts).Bucket([]byte(acct))
		if err := a.DeleteBucket(bucketPend); err != nil {
			return err
		}
		if err := a.DeleteBucket(bucketOpen); err != nil {
			return err
		}
		open, err := a.CreateBucket(bucketOpen)
		if err != nil {
			return err
		}
		for _, k := range want {
			if err := open.Put([]byte(k), []byte(Pending)); err != nil {
				return err
			}
		}
		if err := open.Put([]byte("inv:501"), []byte(Intent)); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyVersion, []byte("1"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s = newStore(t, dir)
	checkIndex(t, s, "after migration")
	if got := keysOf(mustPending(t, s)); len(got) != 4 || !slices.Equal(got, want) {
		t.Errorf("Pending after migration = %v, want %v", got, want)
	}
	unconf, err := s.Unconfirmed(acct)
	if err != nil || len(unconf) != 1 || unconf[0].Key != "inv:501" {
		t.Errorf("Unconfirmed after migration = %v, %v, want inv:501", keysOf(unconf), err)
	}
	err = s.View(func(tx *Tx) error {
		n, err := tx.version()
		if n != schemaVersion {
			t.Errorf("schema after migration = %d, want %d", n, schemaVersion)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The migrated index keeps following changes.
	if err := s.MarkIntent(acct, "inv:503", nil); err != nil {
		t.Fatal(err)
	}
	checkIndex(t, s, "after a change to the migrated file")
}

func mustPending(t *testing.T, s *Store) []Record {
	t.Helper()
	recs, err := s.Pending(acct)
	if err != nil {
		t.Fatalf("Pending = %v", err)
	}
	return recs
}

func TestVerdictsDisagree(t *testing.T) {
	s := newStore(t, t.TempDir())
	mid := "<digest@linkedin.com>"
	a := NewRecord(invitation("1", mid, "A"), 0, decision(policy.Accept, 5), nil, loc(3, mid), t0)
	b := NewRecord(invitation("2", mid, "B"), 1, decision(policy.Accept, 5), nil, loc(3, mid), t0)
	single := NewRecord(invitation("3", "<one@x>", "C"), 0, decision(policy.Accept, 5), nil, loc(4, "<one@x>"), t0)
	for _, r := range []Record{a, b, single} {
		put(t, s, r)
	}
	check := func(mid string, want bool) {
		t.Helper()
		var got bool
		err := s.View(func(tx *Tx) (err error) { got, err = tx.VerdictsDisagree(acct, mid); return err })
		if err != nil || got != want {
			t.Errorf("VerdictsDisagree(%q) = %v, %v, want %v", mid, got, err, want)
		}
	}
	check(mid, false)
	check("<one@x>", false)
	check("<none@x>", false)
	if err := s.SetReview(acct, "inv:2", Review{Verdict: policy.Ignore}); err != nil {
		t.Fatal(err)
	}
	check(mid, true)
}
