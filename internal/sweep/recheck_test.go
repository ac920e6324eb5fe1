package sweep

import (
	"slices"
	"testing"
	"time"

	"github.com/triagehq/triage/internal/state"
)

// TestSearchIndexLag: a server whose search index has not caught up
// with a new message leaves it out of the sweep's SEARCH although the
// position moves past it. The next sweep searches that range again and
// decides it, once, without fetching what it fetched before; a range is
// searched again until a sweep recheckFor later has, then never.
func TestSearchIndexLag(t *testing.T) {
	ms := newMemServer(t)
	ms.deliver("INBOX", fixture(t, fx2022))
	late := ms.deliver("INBOX", fixture(t, fx2023))
	ms.deliver("INBOX", ordinary(1))
	ms.mu.Lock()
	ms.unindexed = map[uint32]bool{late: true}
	ms.mu.Unlock()
	o := memOptions(t, ms, "INBOX")

	sum, _ := run(t, o)
	if sum.New != 1 || sum.Fetched != 1 {
		t.Fatalf("first sweep, one invitation not in the index yet: %+v; want 1 new, 1 fetched", sum)
	}
	if pos, err := openStore(t, o.StoreDir).Position("mem", "INBOX"); err != nil || pos.LastUID <= late {
		t.Fatalf("position %+v, %v; want it past uid %d (the mailbox as selected)", pos, err, late)
	}

	// Five minutes later the index has it.
	ms.mu.Lock()
	ms.unindexed = nil
	ms.mu.Unlock()
	ms.clock.advance(5 * time.Minute)
	sum, entries := run(t, o)
	fresh, _ := invitations(entries)
	if sum.New != 1 || sum.Fetched != 1 || len(fresh) != 1 || uidOf(t, fresh[0].Source) != late {
		t.Fatalf("second sweep: %+v, new entries %q; want the missed invitation (uid %d) decided, nothing else fetched", sum, sources(fresh), late)
	}

	for i, step := range []struct {
		after    time.Duration
		searches int
	}{{10 * time.Minute, 1}, {recheckFor, 1}, {time.Minute, 0}} {
		ms.clock.advance(step.after)
		searches := ms.count("SEARCH")
		sum, _ := run(t, o)
		if n := ms.count("SEARCH") - searches; n != step.searches || sum.Fetched != 0 || sum.New != 0 {
			t.Errorf("sweep %d, %v later: %+v and %d SEARCH; want nothing fetched and %d SEARCH", i+3, step.after, sum, n, step.searches)
		}
	}
}

func TestRecheckNext(t *testing.T) {
	t0 := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	old := state.Span{From: 11, To: 20, At: t0.Add(-2 * recheckFor)}
	recent := state.Span{From: 21, To: 30, At: t0.Add(-recheckFor / 2)}
	for _, tc := range []struct {
		name          string
		spans         []state.Span
		seen          []uint32
		uids          []uint32
		last, highest uint32
		most          uint32
		want          state.Window
		changed       bool
	}{
		{name: "nothing recorded, nothing new"},
		{name: "new mail: its range is added with what was fetched",
			last: 30, highest: 40, most: recheckUIDs, uids: []uint32{33, 39},
			want:    state.Window{Recheck: []state.Span{{From: 31, To: 40, At: t0}}, Seen: []uint32{33, 39}},
			changed: true},
		{name: "a first sweep adds only the newest firstRecheckUIDs",
			last: 0, highest: 100000, most: firstRecheckUIDs, uids: []uint32{5, 99990},
			want:    state.Window{Recheck: []state.Span{{From: 100000 - firstRecheckUIDs + 1, To: 100000, At: t0}}, Seen: []uint32{99990}},
			changed: true},
		{name: "a sweep after a long pause adds only the newest recheckUIDs",
			last: 1000, highest: 1000 + 3*recheckUIDs, most: recheckUIDs, uids: []uint32{1001},
			want:    state.Window{Recheck: []state.Span{{From: 1000 + 2*recheckUIDs + 1, To: 1000 + 3*recheckUIDs, At: t0}}},
			changed: true},
		{name: "a range searched recheckFor after its first search is done, its candidates forgotten",
			spans: []state.Span{old, recent}, seen: []uint32{12, 25}, last: 30, highest: 30,
			want:    state.Window{Recheck: []state.Span{recent}, Seen: []uint32{25}},
			changed: true},
		{name: "a recent range stays, unchanged",
			spans: []state.Span{recent}, seen: []uint32{25}, last: 30, highest: 30,
			want: state.Window{Recheck: []state.Span{recent}, Seen: []uint32{25}}},
		{name: "a missed message found late joins what was fetched",
			spans: []state.Span{recent}, seen: []uint32{25}, uids: []uint32{27}, last: 30, highest: 30,
			want:    state.Window{Recheck: []state.Span{recent}, Seen: []uint32{25, 27}},
			changed: true},
	} {
		r := newRecheck(state.Position{Recheck: tc.spans, Seen: tc.seen})
		got, changed := r.next(tc.uids, tc.last, tc.highest, tc.most, t0)
		if changed != tc.changed || !slices.Equal(got.Recheck, tc.want.Recheck) || !slices.Equal(got.Seen, tc.want.Seen) {
			t.Errorf("%s: next = %+v, changed %t; want %+v, changed %t", tc.name, got, changed, tc.want, tc.changed)
		}
	}
}

func TestRecheckFilter(t *testing.T) {
	r := newRecheck(state.Position{Recheck: []state.Span{{From: 21, To: 30}}, Seen: []uint32{22, 28}})
	if from := r.from(30); from != 20 {
		t.Errorf("from(30) = %d, want 20: the search starts at the range to search again", from)
	}
	if from := (recheck{}).from(30); from != 30 {
		t.Errorf("from(30) with nothing to search again = %d, want 30", from)
	}
	fetch, late := r.filter([]uint32{22, 25, 28, 31, 32}, 30)
	if !slices.Equal(fetch, []uint32{25, 31, 32}) || !slices.Equal(late, []uint32{25}) {
		t.Errorf("filter = %v, late %v; want [25 31 32], late [25]", fetch, late)
	}
}
