package sweep

import (
	"cmp"
	"slices"
	"time"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/state"
)

// A server's search index may lag behind its mailbox: Gmail and Exchange
// answer SEARCH from an index that a message reaches some time after it
// got its UID, so a sweep right after it arrived can miss it, and once
// the position is past it no later sweep would look again: an invitation
// lost without a word. So a sweep searches each range of UIDs it covered
// again, in the sweeps that follow, until one at least recheckFor later
// has searched it; a message found there that was not fetched before is
// fetched then (and logged), one fetched before is left out (Seen).
//
// The repeated search is the sweep's own: it names the ranges besides the
// UIDs above the position, so a sweep with new mail pays no extra round
// trip, and a sweep with nothing new pays one SEARCH of the recent ranges
// while ranges are waiting, none once they are done. (A server that
// refuses the combined search, as Exchange does, is asked one criterion at
// a time: that is one round trip per criterion, then.) A sweep with
// --since adds no range: the older mail it leaves out is not to be found
// by a later sweep.
const (
	// recheckFor is how long after a sweep its range is searched again.
	recheckFor = time.Hour
	// recheckUIDs bounds the range a sweep adds to the window to its
	// newest UIDs, and firstRecheckUIDs the range of a first sweep (or a
	// rescan), which covers the whole mailbox: only the messages that
	// arrived last, seconds or minutes before, can be missing from the
	// index. Dovecot takes about 14 µs a message to search them again.
	recheckUIDs      = 2000
	firstRecheckUIDs = 100
)

// recheck is the window a sweep read from the position.
type recheck struct {
	spans []state.Span
	seen  map[uint32]bool
}

func newRecheck(pos state.Position, rescan bool) recheck {
	r := recheck{spans: pos.Recheck, seen: make(map[uint32]bool, len(pos.Seen))}
	if rescan {
		return r // a rescan fetches everything again
	}
	for _, u := range pos.Seen {
		r.seen[u] = true
	}
	return r
}

// ranges returns the UID ranges to search again, adjacent ones merged.
func (r recheck) ranges() []inbox.UIDRange {
	spans := slices.Clone(r.spans)
	slices.SortFunc(spans, func(a, b state.Span) int { return cmp.Compare(a.From, b.From) })
	var out []inbox.UIDRange
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.From <= out[n-1].Last+1 {
			out[n-1].Last = max(out[n-1].Last, sp.To)
			continue
		}
		out = append(out, inbox.UIDRange{First: sp.From, Last: sp.To})
	}
	return out
}

// filter returns the candidates to fetch among those the search found,
// and, of them, those at or below last: the messages an earlier search
// missed. It leaves out what was fetched before.
func (r recheck) filter(uids []uint32, last uint32) (fetch, late []uint32) {
	fetch = uids[:0:0]
	for _, u := range uids {
		switch {
		case r.seen[u]:
		case u <= last:
			late = append(late, u)
			fetch = append(fetch, u)
		default:
			fetch = append(fetch, u)
		}
	}
	return fetch, late
}

// next returns the window to record after a sweep at now that searched
// above last up to highest and fetched uids, and whether it differs from
// the one read. A range searched now, recheckFor or more after it was
// first searched, is done; the range above last is added, its newest
// most UIDs at most.
func (r recheck) next(uids []uint32, last, highest, most uint32, now time.Time) (state.Window, bool) {
	var w state.Window
	changed := false
	for _, sp := range r.spans {
		if sp.At.After(now) {
			// The clock went back: wait from now, not from the future.
			sp.At, changed = now.UTC(), true
		}
		if !now.Before(sp.At.Add(recheckFor)) {
			changed = true
			continue
		}
		w.Recheck = append(w.Recheck, sp)
	}
	if highest > last && most > 0 {
		from := last + 1
		if highest-last > most {
			from = highest - most + 1
		}
		w.Recheck = append(w.Recheck, state.Span{From: from, To: highest, At: now.UTC()})
		changed = true
	}
	in := func(u uint32) bool {
		return slices.ContainsFunc(w.Recheck, func(sp state.Span) bool { return sp.From <= u && u <= sp.To })
	}
	for u := range r.seen {
		if in(u) {
			w.Seen = append(w.Seen, u)
		} else {
			changed = true
		}
	}
	for _, u := range uids {
		if !r.seen[u] && in(u) {
			w.Seen = append(w.Seen, u)
			changed = true
		}
	}
	slices.Sort(w.Seen)
	w.Seen = slices.Compact(w.Seen)
	return w, changed
}

// end is what the last batch of a sweep records besides its messages.
type end struct {
	setPos  bool   // record the position
	highest uint32 // the position to record
}

// savePosition records, in tx, the position (when e.setPos) and the
// recheck window (when it changed); nothing when e is nil (a batch
// before the last).
func (s *sweeper) savePosition(tx *state.Tx, e *end) error {
	if e == nil {
		return nil
	}
	mailbox, validity := s.acct.Mailbox, s.status.UIDValidity
	if e.setPos {
		if err := tx.SetPosition(s.name, mailbox, validity, e.highest); err != nil {
			return err
		}
	}
	if s.window != nil {
		return tx.SetWindow(s.name, mailbox, validity, *s.window)
	}
	return nil
}
