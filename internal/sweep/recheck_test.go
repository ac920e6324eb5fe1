package sweep

import (
	"slices"
	"testing"
	"time"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/report"
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
	ms.setUnindexed(late)
	o := memOptions(t, ms, "INBOX")

	sum, _ := run(t, o)
	if sum.New != 1 || sum.Fetched != 1 {
		t.Fatalf("first sweep, one invitation not in the index yet: %+v; want 1 new, 1 fetched", sum)
	}
	if pos, err := openStore(t, o.StoreDir).Position("mem", "INBOX"); err != nil || pos.LastUID <= late {
		t.Fatalf("position %+v, %v; want it past uid %d (the mailbox as selected)", pos, err, late)
	}

	// Five minutes later the index has it.
	sum, fresh := sweepOnceIndexed(t, ms, o)
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

// TestRecheckAfterSince: the older mail a --since sweep left out is not
// found by the next sweep's repeated search and decided after all.
func TestRecheckAfterSince(t *testing.T) {
	ms := newMemServer(t)
	ms.deliverAt("INBOX", fixture(t, fx2022), time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC))
	recent := ms.deliverAt("INBOX", fixture(t, fx2023), time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC))
	o := memOptions(t, ms, "INBOX")
	o.Since = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	sum, entries := run(t, o)
	fresh, _ := invitations(entries)
	if sum.New != 1 || len(fresh) != 1 || uidOf(t, fresh[0].Source) != recent {
		t.Fatalf("sweep --since: %+v, new %q; want only uid %d", sum, sources(fresh), recent)
	}
	o.Since = time.Time{}
	ms.clock.advance(5 * time.Minute)
	if sum, _ := run(t, o); sum.New != 0 || sum.Fetched != 0 {
		t.Errorf("the sweep after --since: %+v; want the older invitation left alone, nothing fetched", sum)
	}
}

// TestRecheckAcrossRescan: a rescan (--all) keeps the recent ranges still
// waiting for their later search, so a message the index missed before
// the rescan is still found after it.
func TestRecheckAcrossRescan(t *testing.T) {
	ms := newMemServer(t)
	ms.deliver("INBOX", fixture(t, fx2022))
	missed := ms.deliver("INBOX", fixture(t, fx2023))
	ms.setUnindexed(missed)
	o := memOptions(t, ms, "INBOX")
	if sum, _ := run(t, o); sum.New != 1 {
		t.Fatalf("first sweep: %+v, want 1 new", sum)
	}
	// More mail than a rescan's own range (firstRecheckUIDs) covers.
	for i := range firstRecheckUIDs + 20 {
		ms.deliver("INBOX", ordinary(i))
	}
	ms.clock.advance(time.Minute)
	all := o
	all.All = true
	if sum, _ := run(t, all); sum.New != 0 {
		t.Fatalf("sweep --all: %+v, want nothing new", sum)
	}
	sum, fresh := sweepOnceIndexed(t, ms, o)
	if sum.New != 1 || len(fresh) != 1 || uidOf(t, fresh[0].Source) != missed {
		t.Errorf("sweep after the rescan: %+v, new %q; want the missed invitation (uid %d) decided", sum, sources(fresh), missed)
	}
}

// sweepOnceIndexed lets the index catch up, moves the clock on five
// minutes and sweeps, returning the summary and the new invitations.
func sweepOnceIndexed(t *testing.T, ms *memServer, o Options) (Summary, []report.Entry) {
	t.Helper()
	ms.setUnindexed()
	ms.clock.advance(5 * time.Minute)
	sum, entries := run(t, o)
	fresh, _ := invitations(entries)
	return sum, fresh
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
		{name: "a range from the future (the clock went back) waits from now",
			spans: []state.Span{{From: 21, To: 30, At: t0.Add(24 * time.Hour)}}, last: 30, highest: 30,
			want:    state.Window{Recheck: []state.Span{{From: 21, To: 30, At: t0}}},
			changed: true},
		{name: "--since adds no range",
			spans: []state.Span{recent}, last: 30, highest: 40, most: 0, uids: []uint32{35},
			want: state.Window{Recheck: []state.Span{recent}}},
		{name: "a recent range stays, unchanged",
			spans: []state.Span{recent}, seen: []uint32{25}, last: 30, highest: 30,
			want: state.Window{Recheck: []state.Span{recent}, Seen: []uint32{25}}},
		{name: "a missed message found late joins what was fetched",
			spans: []state.Span{recent}, seen: []uint32{25}, uids: []uint32{27}, last: 30, highest: 30,
			want:    state.Window{Recheck: []state.Span{recent}, Seen: []uint32{25, 27}},
			changed: true},
	} {
		r := newRecheck(state.Position{Recheck: tc.spans, Seen: tc.seen}, false)
		got, changed := r.next(tc.uids, tc.last, tc.highest, tc.most, t0)
		if changed != tc.changed || !slices.Equal(got.Recheck, tc.want.Recheck) || !slices.Equal(got.Seen, tc.want.Seen) {
			t.Errorf("%s: next = %+v, changed %t; want %+v, changed %t", tc.name, got, changed, tc.want, tc.changed)
		}
	}
}

func TestRecheckFilter(t *testing.T) {
	r := newRecheck(state.Position{Recheck: []state.Span{{From: 41, To: 50}, {From: 21, To: 30}, {From: 31, To: 35}}, Seen: []uint32{22, 28}}, false)
	if got, want := r.ranges(), []inbox.UIDRange{{First: 21, Last: 35}, {First: 41, Last: 50}}; !slices.Equal(got, want) {
		t.Errorf("ranges = %v, want %v: sorted, adjacent ones merged, the gap left out", got, want)
	}
	fetch, late := r.filter([]uint32{22, 25, 28, 31, 52}, 50)
	if !slices.Equal(fetch, []uint32{25, 31, 52}) || !slices.Equal(late, []uint32{25, 31}) {
		t.Errorf("filter = %v, late %v; want [25 31 52], late [25 31]", fetch, late)
	}
	if rescan := newRecheck(state.Position{Recheck: []state.Span{{From: 21, To: 30}}, Seen: []uint32{22}}, true); len(rescan.spans) != 1 || len(rescan.seen) != 0 {
		t.Errorf("a rescan's window = %+v; want the ranges kept and nothing taken as fetched", rescan)
	}
}
