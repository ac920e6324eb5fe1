package sweep

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
)

// headerSearches counts the UID SEARCH HEADER commands in an IMAP trace:
// the searches by Message-ID, which make the server read every message.
func headerSearches(trace string) int {
	n := 0
	for _, l := range strings.Split(trace, "\n") {
		u := strings.ToUpper(l)
		u = strings.ReplaceAll(u, `"`, "")
		if strings.HasPrefix(u, "C: ") && strings.Contains(u, " SEARCH ") && strings.Contains(u, "HEADER MESSAGE-ID") {
			n++
		}
	}
	return n
}

// seedInvitations delivers the single-invitation fixtures, each after an
// ordinary message, and returns the UIDs of the ordinary ones.
func seedInvitations(t *testing.T, ms *memServer) (others []uint32) {
	t.Helper()
	for i, fx := range []string{fx2011, fx2016, fx2022, fx2023, fx2025, fx2026} {
		others = append(others, ms.deliver("INBOX", ordinary(i+1)))
		ms.deliver("INBOX", fixture(t, fx))
	}
	return others
}

// keywordsOnly are testActions without the move, so that every message
// stays where the test can see its keywords.
func keywordsOnly(o *Options) {
	o.Actions.Ignore.MoveTo = ""
}

// An --apply of invitations still at their recorded UIDs finds them all
// with one FETCH of their Message-IDs: no search by Message-ID.
func TestApplyUnchangedUIDsSendsNoSearch(t *testing.T) {
	ms := newMemServer(t)
	seedInvitations(t, ms)
	o := memOptions(t, ms, "INBOX")
	keywordsOnly(&o)
	dry, _ := run(t, o)
	if dry.New != 6 {
		t.Fatalf("dry run: %+v, want 6 new", dry)
	}
	var trace bytes.Buffer
	o.Apply, o.Trace = true, &trace
	sum, _ := run(t, o)
	if sum.Applied != dry.New || sum.Skipped != 0 || sum.Errors != 0 {
		t.Errorf("--apply: %+v, want %d applied", sum, dry.New)
	}
	if n := headerSearches(trace.String()); n != 0 {
		t.Errorf("--apply of %d invitations at their UIDs sent %d searches by Message-ID, want 0", dry.New, n)
	}
	if !strings.Contains(strings.ToUpper(strings.ReplaceAll(trace.String(), `"`, "")), "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]") {
		t.Errorf("--apply did not fetch the Message-IDs at the recorded UIDs; trace:\n%s", trace.String())
	}
	checkKeywords(t, ms, dry.New)
}

// checkKeywords checks that each invitation in INBOX got exactly one
// keyword and no ordinary message got any.
func checkKeywords(t *testing.T, ms *memServer, invitations int) {
	t.Helper()
	marked := 0
	for _, m := range ms.messages("INBOX") {
		var kws []string
		for _, f := range m.Flags {
			if strings.HasPrefix(f, "$triage_") {
				kws = append(kws, f)
			}
		}
		switch {
		case strings.HasPrefix(m.MessageID, "lunch-"):
			if len(kws) != 0 {
				t.Errorf("ordinary message uid %d got %q", m.UID, kws)
			}
		case len(kws) != 1:
			t.Errorf("invitation uid %d <%s> has keywords %q, want one", m.UID, m.MessageID, kws)
		default:
			marked++
		}
	}
	if marked != invitations {
		t.Errorf("%d invitations got their keyword, want %d", marked, invitations)
	}
}

// A record whose UID now holds another message, is gone, or was recorded
// under another UIDVALIDITY is found by its Message-ID, and acted on
// there, not at the recorded UID; the others still need no search.
func TestApplyFindsMovedUIDByMessageID(t *testing.T) {
	ms := newMemServer(t)
	others := seedInvitations(t, ms)
	o := memOptions(t, ms, "INBOX")
	keywordsOnly(&o)
	dry, _ := run(t, o)
	if dry.New != 6 {
		t.Fatalf("dry run: %+v, want 6 new", dry)
	}
	store := openStore(t, o.StoreDir)
	recs, err := store.Records("mem")
	if err != nil || len(recs) != 6 {
		t.Fatalf("records: %d, %v; want 6", len(recs), err)
	}
	slices.SortFunc(recs, func(a, b state.Record) int { return int(a.Location.UID) - int(b.Location.UID) })
	// Three records point elsewhere: at an ordinary message, at a UID
	// that does not exist, and at another invitation's UID under an old
	// UIDVALIDITY.
	wrong := map[string]state.Location{}
	at := func(r state.Record, uidValidity, uid uint32) {
		loc := r.Location
		loc.UIDValidity, loc.UID = uidValidity, uid
		if err := store.Relocate("mem", r.Key, loc); err != nil {
			t.Fatal(err)
		}
		wrong[r.Key] = r.Location // where it really is
	}
	v := recs[0].Location.UIDValidity
	at(recs[0], v, others[3])
	at(recs[1], v, 9999)
	at(recs[2], v-1, recs[3].Location.UID)

	var trace bytes.Buffer
	o.Apply, o.Trace = true, &trace
	sum, _ := run(t, o)
	if sum.Applied != dry.New || sum.Skipped != 0 || sum.Errors != 0 {
		t.Errorf("--apply: %+v, want %d applied", sum, dry.New)
	}
	if got, want := headerSearches(trace.String()), len(wrong); got != want {
		t.Errorf("--apply sent %d searches by Message-ID, want %d (one per record not at its UID)", got, want)
	}
	checkKeywords(t, ms, dry.New)
	for key, real := range wrong {
		r, err := store.Get("mem", key)
		if err != nil {
			t.Fatal(err)
		}
		if r.Action.State != state.Done || r.Location.UID != real.UID || r.Location.UIDValidity != real.UIDValidity {
			t.Errorf("record %s: %s at %d/%d, want done at %d/%d", key, r.Action.State, r.Location.UIDValidity, r.Location.UID, real.UIDValidity, real.UID)
		}
	}
}

// Unconfirmed intents whose messages are at their recorded UIDs are
// settled without a search by Message-ID, and exactly once.
func TestReconcileUnchangedUIDsSendsNoSearch(t *testing.T) {
	ms := newMemServer(t)
	seedInvitations(t, ms)
	o := memOptions(t, ms, "INBOX")
	keywordsOnly(&o)
	_, entries := run(t, o)
	fresh, _ := invitations(entries)
	if len(fresh) != 6 {
		t.Fatalf("dry run: %d invitations, want 6", len(fresh))
	}
	store := openStore(t, o.StoreDir)
	recs, err := store.Records("mem")
	if err != nil || len(recs) != len(fresh) {
		t.Fatalf("records: %d, %v; want %d", len(recs), err, len(fresh))
	}
	// The crashed run recorded the intents and did nothing.
	for _, r := range recs {
		i := slices.IndexFunc(fresh, func(e report.Entry) bool { return e.MessageID == r.Location.MessageID })
		if i < 0 {
			t.Fatalf("no entry for record %s", r.Key)
		}
		if err := store.MarkIntent("mem", r.Key, fresh[i].Actions); err != nil {
			t.Fatal(err)
		}
	}
	stores := ms.count("STORE")
	var trace bytes.Buffer
	o.Apply, o.Trace = true, &trace
	sum, _ := run(t, o)
	if sum.Applied != len(fresh) || sum.Pending != 0 || sum.Errors != 0 {
		t.Errorf("reconciling --apply: %+v, want %d settled", sum, len(fresh))
	}
	if n := headerSearches(trace.String()); n != 0 {
		t.Errorf("reconciling %d intents at their UIDs sent %d searches by Message-ID, want 0", len(fresh), n)
	}
	if ms.count("STORE") == stores {
		t.Error("reconciling --apply stored no keyword")
	}
	checkKeywords(t, ms, len(fresh))
	recs, err = store.Records("mem")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Action.State != state.Done {
			t.Errorf("record %s: %s, want done", r.Key, r.Action.State)
		}
	}
}
