package sweep

import (
	"cmp"
	"slices"

	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
)

// openPage is how many open records a dry sweep reads at a time while it
// lists them: the memory it holds for them is a few pages (being read,
// waiting, being written), however many the store has.
const openPage = 1024

// emitOpen is finish for a dry run: it lists every open action of the
// account, carried over from earlier sweeps, in the order a sweep meets
// the messages, page by page, read while the pages before are emitted, so
// the list is never held whole, and the store is held only while the
// output keeps up with the reading. New
// invitations were emitted when they were decided; they are only counted.
func (s *sweeper) emitOpen() error {
	isNew := make(map[string]bool, len(s.newKeys))
	for _, k := range s.newKeys {
		isNew[k] = true
	}
	// Intents left by a crashed run are few: read them first, then merge
	// them by UID into the stream of pending ones.
	var intents []report.Entry
	var intentUIDs []uint32
	if err := s.store.View(func(tx *state.Tx) error {
		return tx.EachOpen(s.name, state.Intent, func(r state.Record) error {
			e, ok, err := s.openEntry(tx, r, isNew, nil)
			if ok {
				intents = append(intents, e)
				intentUIDs = append(intentUIDs, r.Location.UID)
			}
			return err
		})
	}); err != nil {
		return err
	}
	emitIntentsBefore := func(uid uint32) error {
		for len(intents) > 0 && intentUIDs[0] <= uid {
			if err := s.emit(intents[0]); err != nil {
				return err
			}
			intents, intentUIDs = intents[1:], intentUIDs[1:]
		}
		return nil
	}

	// Pages are read (and their records decoded) on another goroutine
	// while this one writes the pages before. Records are read brief (without their
	// history and accept link, which the entries do not show), and a
	// written page's slices are handed back for another page, since
	// fresh memory is most of what reading costs.
	type openPageOf struct {
		entries []report.Entry
		uids    []uint32
		err     error
	}
	pages := make(chan openPageOf, 2)
	free := make(chan openPageOf, 3)
	stop := make(chan struct{})
	defer func() {
		// Stop the reader and wait for it: it counts into s.sum.
		close(stop)
		for range pages {
		}
	}()
	size := cmp.Or(s.o.page, openPage)
	go func() {
		defer close(pages)
		cursor := ""
		steps := stepCache{}
		newPage := func() openPageOf {
			select {
			case p := <-free:
				return p
			default:
				return openPageOf{entries: make([]report.Entry, 0, size), uids: make([]uint32, 0, size)}
			}
		}
		// One View reads page after page while the writer keeps up, and
		// is left, releasing the store, as soon as a page would have to
		// wait for the writer (a slow pipe must not hold the store).
		// Opening the store maps its file anew: opening it once per page
		// had cost a third of a long listing.
		for {
			var held openPageOf // the page to hand on outside the View
			stopped := false
			viewErr := s.store.View(func(tx *state.Tx) error {
				for {
					p := newPage()
					var err error
					cursor, err = tx.OpenBriefPage(s.name, state.Pending, cursor, size, func(r state.Record) error {
						e, ok, err := s.openEntry(tx, r, isNew, steps)
						if ok {
							p.entries = append(p.entries, e)
							p.uids = append(p.uids, r.Location.UID)
						}
						return err
					})
					p.err = err
					if err != nil || cursor == "" {
						held = p
						return nil
					}
					select {
					case pages <- p:
					case <-stop:
						stopped = true
						return nil
					default:
						held = p
						return nil
					}
				}
			})
			if stopped {
				return
			}
			if viewErr != nil {
				held = openPageOf{err: viewErr}
			}
			select {
			case pages <- held:
			case <-stop:
				return
			}
			if held.err != nil || cursor == "" {
				return
			}
		}
	}()
	for p := range pages {
		if p.err != nil {
			return p.err
		}
		for i, e := range p.entries {
			if err := emitIntentsBefore(p.uids[i]); err != nil {
				return err
			}
			if err := s.emit(e); err != nil {
				return err
			}
		}
		clear(p.entries) // drop what the entries point to
		p.entries, p.uids = p.entries[:0], p.uids[:0]
		select {
		case free <- p:
		default:
		}
	}
	return emitIntentsBefore(^uint32(0))
}

// openEntry counts an open record of a dry run and returns its entry when
// it is to be listed: not for a new invitation (already emitted) nor for
// one recorded in another mailbox (left as it is). r may be brief (see
// state.BriefFields). The steps of a pending record are planned through
// steps when it is not nil.
func (s *sweeper) openEntry(tx *state.Tx, r state.Record, isNew map[string]bool, steps stepCache) (report.Entry, bool, error) {
	s.sum.Pending++
	if isNew[r.Key] {
		return report.Entry{}, false, nil
	}
	if r.Location.Mailbox != s.acct.Mailbox {
		s.log.Warn("invitation recorded in another mailbox left as it is", "key", r.Key, "mailbox", r.Location.Mailbox)
		return report.Entry{}, false, nil
	}
	planned := r.Action.Planned
	if r.Action.State != state.Intent {
		disagree, err := tx.VerdictsDisagree(s.name, r.Location.MessageID)
		if err != nil {
			return report.Entry{}, false, err
		}
		if steps != nil {
			planned = steps.plan(s, r, disagree)
		} else {
			_, _, planned = s.plan(r, disagree)
		}
	}
	return s.recordEntry(r, planned), true, nil
}

// stepCache keeps the steps plan gives the open records of a listing.
// They depend only on the record's effective verdict and on whether its
// message's invitations disagree, since every record listed is in the
// sweep's mailbox; building them is a few allocations a record, and a
// listing has thousands of records and a handful of distinct plans. The
// entries share the cached slices, clipped so that an append copies.
type stepCache map[stepKey][]string

type stepKey struct {
	verdict  policy.Verdict
	disagree bool
}

// plan returns s.plan's steps for r, a record in the sweep's mailbox.
func (c stepCache) plan(s *sweeper, r state.Record, disagree bool) []string {
	k := stepKey{r.EffectiveVerdict(), disagree}
	steps, ok := c[k]
	if !ok {
		_, _, steps = s.plan(r, disagree)
		steps = slices.Clip(steps)
		c[k] = steps
	}
	return steps
}
