package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/state"
)

// outcome is what became of one record's actions in an applying run.
type outcome struct {
	applied bool     // carried out, or found already carried out
	skipped bool     // the message is gone; given up
	steps   []string // the steps carried out, for the output
}

// target is one message to act on and the open records it carries (one,
// or several for a digest).
type target struct {
	loc  state.Location
	recs []state.Record
}

// apply settles the intents a crashed run left, then carries out the
// pending actions of open, recording the intent of a batch of messages
// before acting on them and confirming after. It returns the outcome per
// record key; an error only when the session or the store failed.
func (s *sweeper) apply(ctx context.Context, open []state.Record, disagree map[string]bool) (map[string]outcome, error) {
	out := map[string]outcome{}
	var pending, intents []state.Record
	for _, r := range open {
		if r.Action.State == state.Intent {
			intents = append(intents, r)
			continue
		}
		pending = append(pending, r)
	}
	if err := s.reconcileAll(ctx, intents, out); err != nil {
		return out, err
	}

	// One target per message: the invitations of a digest share it.
	var targets []*target
	index := map[string]*target{}
	for _, r := range pending {
		id := r.Location.MessageID
		if id == "" {
			id = fmt.Sprintf("uid %d/%d", r.Location.UIDValidity, r.Location.UID)
		}
		t, ok := index[id]
		if !ok {
			t = &target{loc: r.Location}
			index[id] = t
			targets = append(targets, t)
		}
		t.recs = append(t.recs, r)
	}
	if len(targets) > 0 {
		s.prog.printf("applying the actions of %d invitations", len(pending))
	}
	for chunk := range slices.Chunk(targets, s.batch()) {
		if err := s.applyChunk(ctx, chunk, disagree, out); err != nil {
			return out, err
		}
	}
	return out, nil
}

// planned is one Apply call: an action on a message for some records.
type planned struct {
	uid       uint32
	act       inbox.Action
	allowMove bool
	steps     []string
	keys      []string
}

func (s *sweeper) applyChunk(ctx context.Context, chunk []*target, disagree map[string]bool, out map[string]outcome) error {
	mailbox := s.acct.Mailbox
	gone := fmt.Sprintf("message no longer in %s (moved or deleted by the user); its actions are not carried out", mailbox)

	// Find each message (read-only), outside any transaction.
	type found struct {
		t     *target
		uid   uint32
		ok    bool
		calls []planned
	}
	locs := make([]state.Location, len(chunk))
	for i, t := range chunk {
		locs[i] = t.loc
	}
	at, err := s.locateAll(ctx, locs)
	if err != nil {
		return err
	}
	var list []found
	for i, t := range chunk {
		uid, ok := at[i].uid, at[i].ok
		if err := at[i].err; err != nil {
			for _, r := range t.recs {
				s.fail(r.Key, err)
			}
			continue
		}
		f := found{t: t, uid: uid, ok: ok}
		if ok {
			calls, err := s.calls(t, uid, disagree[t.loc.MessageID])
			if err != nil {
				for _, r := range t.recs {
					s.fail(r.Key, err)
				}
				continue
			}
			f.calls = calls
		}
		list = append(list, f)
	}

	// Record the intents (and skip what is gone) in one transaction.
	err = s.store.Update(func(tx *state.Tx) error {
		for _, f := range list {
			for _, r := range f.t.recs {
				if !f.ok {
					if err := tx.MarkSkipped(s.name, r.Key, gone); err != nil {
						return err
					}
					continue
				}
				if f.uid != r.Location.UID || r.Location.UIDValidity != s.status.UIDValidity {
					loc := state.Location{Mailbox: mailbox, UIDValidity: s.status.UIDValidity, UID: f.uid, MessageID: r.Location.MessageID}
					if err := tx.Relocate(s.name, r.Key, loc); err != nil {
						return err
					}
				}
				if err := tx.MarkIntent(s.name, r.Key, stepsOf(f.calls, r.Key)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range list {
		if !f.ok {
			for _, r := range f.t.recs {
				s.skip(r.Key, gone, out)
			}
		}
	}

	// Act, outside any transaction: the calls with the same action go to
	// the server together, one command per step for all their messages.
	var groups []*group
	byAction := map[string]*group{}
	for _, f := range list {
		if !f.ok {
			continue
		}
		for _, c := range f.calls {
			id := fmt.Sprintf("%q %t", c.steps, c.allowMove)
			g, ok := byAction[id]
			if !ok {
				g = &group{act: c.act, allowMove: c.allowMove, steps: c.steps, keys: map[uint32][]string{}}
				byAction[id] = g
				groups = append(groups, g)
			}
			if _, ok := g.keys[c.uid]; !ok {
				g.uids = append(g.uids, c.uid)
			}
			g.keys[c.uid] = append(g.keys[c.uid], c.keys...)
		}
	}
	var done, skipped []string
	var actErr error
	for _, g := range groups {
		if len(g.steps) > 0 {
			res, err := s.sess.ApplyBatch(ctx, g.uids, g.act, g.allowMove)
			if err != nil {
				if fatal(ctx, err) {
					actErr = err
					break
				}
				// Left as intents: the next applying run checks what took
				// effect and finishes the rest.
				for _, u := range g.uids {
					for _, k := range g.keys[u] {
						s.fail(k, err)
					}
				}
				continue
			}
			for _, u := range res.Missing {
				skipped = append(skipped, g.keys[u]...)
				delete(g.keys, u)
			}
			s.log.Info("applied", "messages", len(g.keys), "done", res.Done, "skipped", res.Skipped)
		}
		for _, u := range g.uids {
			for _, k := range g.keys[u] {
				done = append(done, k)
				out[k] = outcome{applied: true, steps: g.steps}
			}
		}
	}

	// Confirm what was done, even when the session broke meanwhile.
	now := s.now()
	err = s.store.Update(func(tx *state.Tx) error {
		for _, k := range done {
			if err := tx.MarkDone(s.name, k, now); err != nil {
				return err
			}
		}
		for _, k := range skipped {
			if err := tx.MarkSkipped(s.name, k, gone); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.sum.Applied += len(done)
	for _, k := range skipped {
		s.skip(k, gone, out)
	}
	return actErr
}

// group is one ApplyBatch call: the same action on several messages.
type group struct {
	act       inbox.Action
	allowMove bool
	steps     []string
	uids      []uint32
	keys      map[uint32][]string // record keys per UID
}

// calls plans the Apply calls for a target found at uid: one for all its
// records when they plan the same steps (a single invitation, or a digest
// whose invitations agree), else one per record (a digest whose
// invitations disagree, where each gets its keyword and nothing moves).
func (s *sweeper) calls(t *target, uid uint32, digestDisagrees bool) ([]planned, error) {
	var cs []planned
	for _, r := range t.recs {
		act, allowMove, steps := s.plan(r, digestDisagrees)
		if act.MoveTo != "" && allowMove && !s.sess.Caps().Move && !s.sess.Caps().UIDPlus {
			return nil, fmt.Errorf("move %s: %w", act.MoveTo, inbox.ErrCannotMove)
		}
		if len(cs) == 1 && slices.Equal(cs[0].steps, steps) {
			cs[0].keys = append(cs[0].keys, r.Key)
			continue
		}
		cs = append(cs, planned{uid: uid, act: act, allowMove: allowMove, steps: steps, keys: []string{r.Key}})
	}
	if len(cs) > 1 && slices.ContainsFunc(cs, func(c planned) bool { return c.act.MoveTo != "" && c.allowMove }) {
		return nil, errors.New("the invitations of this message plan different actions, one of them a move")
	}
	return cs, nil
}

func stepsOf(calls []planned, key string) []string {
	for _, c := range calls {
		if slices.Contains(c.keys, key) {
			return c.steps
		}
	}
	return nil
}

// located is where locateAll found one message.
type located struct {
	uid uint32
	ok  bool  // false when the message is no longer in the mailbox
	err error // finding this message failed (not fatal to the run)
}

// locateAll finds the messages of locs in the selected mailbox, in as few
// round trips as it can. One UID FETCH asks for the Message-ID at every
// UID recorded under the current UIDVALIDITY: a message still at its UID
// is found there. Only the others (the UID is gone or holds another
// message, or the UIDVALIDITY changed) are searched for by Message-ID, one
// SEARCH each, as a header search makes the server read every message. A
// location without a Message-ID has nothing to check its UID by: only the
// same UID under the same UIDVALIDITY is the same message (Apply says when
// it is gone). The error is returned only when it is fatal to the run.
func (s *sweeper) locateAll(ctx context.Context, locs []state.Location) ([]located, error) {
	out := make([]located, len(locs))
	var uids []uint32
	for _, loc := range locs {
		if loc.MessageID != "" && loc.UIDValidity == s.status.UIDValidity && loc.UID != 0 {
			uids = append(uids, loc.UID)
		}
	}
	var ids map[uint32]string
	if len(uids) > 0 {
		var err error
		if ids, err = s.sess.MessageIDs(ctx, uids); err != nil {
			if fatal(ctx, err) {
				return nil, err
			}
			// The searches below find every message all the same.
			s.log.Warn("fetching the Message-IDs of the recorded UIDs failed; searching for each message", "err", err)
			ids = nil
		}
	}
	for i, loc := range locs {
		if loc.MessageID == "" {
			out[i] = located{uid: loc.UID, ok: loc.UIDValidity == s.status.UIDValidity}
			continue
		}
		if loc.UIDValidity == s.status.UIDValidity {
			if id, ok := ids[loc.UID]; ok && id == bareMessageID(loc.MessageID) {
				out[i] = located{uid: loc.UID, ok: true}
				continue
			}
		}
		uid, ok, err := s.locate(ctx, loc)
		if err != nil && fatal(ctx, err) {
			return nil, err
		}
		out[i] = located{uid: uid, ok: ok, err: err}
	}
	return out, nil
}

// bareMessageID is id without angle brackets, as Parse records it.
func bareMessageID(id string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
}

// locate finds the message of loc in the selected mailbox by searching
// for its Message-ID: at its UID when the UIDVALIDITY is the same and that
// UID holds it, else at the first UID that does. ok is false when it is
// gone. locateAll spares most messages this search.
func (s *sweeper) locate(ctx context.Context, loc state.Location) (uid uint32, ok bool, err error) {
	if loc.MessageID == "" {
		return loc.UID, loc.UIDValidity == s.status.UIDValidity, nil
	}
	uids, err := s.sess.FindByMessageID(ctx, loc.MessageID)
	if err != nil || len(uids) == 0 {
		return 0, false, err
	}
	if loc.UIDValidity == s.status.UIDValidity && slices.Contains(uids, loc.UID) {
		return loc.UID, true, nil
	}
	s.log.Info("message found at another UID", "message_id", loc.MessageID, "old_uid", loc.UID, "uid", uids[0])
	return uids[0], true, nil
}

// reconcileAll settles the intents a run left unconfirmed, finding their
// messages a batch at a time (locateAll). A message that reconciling an
// earlier record moved away is looked up again, so the invitations of a
// digest see the move of the first.
func (s *sweeper) reconcileAll(ctx context.Context, intents []state.Record, out map[string]outcome) error {
	moved := map[uint32]bool{} // UIDs moved out of the mailbox by this run
	for chunk := range slices.Chunk(intents, s.batch()) {
		locs := make([]state.Location, len(chunk))
		for i, r := range chunk {
			locs[i] = reconcileLocation(r)
		}
		at, err := s.locateAll(ctx, locs)
		if err != nil {
			return err
		}
		for i, r := range chunk {
			w := at[i]
			if w.err == nil && w.ok && moved[w.uid] {
				w.uid, w.ok, w.err = s.locate(ctx, locs[i])
			}
			oc, err := s.reconcile(ctx, r, w, moved)
			if err != nil {
				if fatal(ctx, err) {
					return err
				}
				s.fail(r.Key, err)
				continue
			}
			out[r.Key] = oc
		}
	}
	return nil
}

// reconcileLocation is where the unconfirmed actions of r were to act.
func reconcileLocation(r state.Record) state.Location {
	loc := r.Location
	if r.Action.Target != nil {
		loc = *r.Action.Target
		if loc.MessageID == "" {
			loc.MessageID = r.Location.MessageID
		}
	}
	return loc
}

// reconcile settles an intent a run left unconfirmed: it looks the
// message up by Message-ID, confirms the steps that took effect and
// carries out only those that did not. Keywords and \Seen are checked by
// Apply itself (it does not store a flag the message has); a copy or move
// is checked by looking for the message in the target mailbox.
func (s *sweeper) reconcile(ctx context.Context, r state.Record, at located, moved map[uint32]bool) (outcome, error) {
	steps := r.Action.Planned
	act, allowMove := actionFromSteps(steps)
	loc := reconcileLocation(r)
	mailbox := s.acct.Mailbox
	gone := fmt.Sprintf("message no longer in %s (moved or deleted by the user) when its unconfirmed actions were checked", mailbox)
	if len(steps) == 0 {
		return s.confirm(r.Key, nil)
	}
	move := act.MoveTo != "" && allowMove
	if loc.MessageID == "" && (move || act.CopyTo != "") {
		// A copy or move cannot be checked without a Message-ID; doing it
		// again could duplicate the message.
		return s.skipRecord(r.Key, "the message has no Message-ID, so whether its interrupted copy or move took effect cannot be checked; not repeated")
	}
	uid, found, err := at.uid, at.ok, at.err
	if err != nil {
		return outcome{}, err
	}
	inMove, inCopy := false, false
	if move {
		if inMove, err = s.presentIn(ctx, act.MoveTo, loc.MessageID); err != nil {
			return outcome{}, err
		}
	}
	if act.CopyTo != "" {
		if inCopy, err = s.presentIn(ctx, act.CopyTo, loc.MessageID); err != nil {
			return outcome{}, err
		}
	}
	if !found {
		if move && inMove {
			s.log.Info("unconfirmed actions had taken effect", "key", r.Key, "steps", steps)
			return s.confirm(r.Key, steps)
		}
		return s.skipRecord(r.Key, gone)
	}
	redo := act
	if inCopy {
		redo.CopyTo = ""
	}
	if move && inMove {
		// The copy of a move went through but the original stayed (the
		// run stopped between COPY and EXPUNGE): moving again would make
		// a second copy, so the original stays.
		s.log.Warn("message is both in its mailbox and in the move target after an interrupted move; left in both", "key", r.Key, "mailbox", act.MoveTo)
		redo.MoveTo = ""
	}
	if uid != loc.UID || loc.UIDValidity != s.status.UIDValidity {
		nl := state.Location{Mailbox: mailbox, UIDValidity: s.status.UIDValidity, UID: uid, MessageID: loc.MessageID}
		if err := s.store.Relocate(s.name, r.Key, nl); err != nil {
			return outcome{}, err
		}
	}
	res, err := s.sess.Apply(ctx, uid, redo, allowMove)
	if redo.MoveTo != "" && allowMove {
		// Moved, or maybe moved: a later record looks it up again.
		moved[uid] = true
	}
	if errors.Is(err, inbox.ErrMessageGone) {
		return s.skipRecord(r.Key, gone)
	}
	if err != nil {
		return outcome{}, err
	}
	s.log.Info("settled unconfirmed actions", "key", r.Key, "uid", uid, "done", res.Done, "already", res.Skipped)
	return s.confirm(r.Key, steps)
}

func (s *sweeper) confirm(key string, steps []string) (outcome, error) {
	if err := s.store.MarkDone(s.name, key, s.now()); err != nil {
		return outcome{}, err
	}
	s.sum.Applied++
	return outcome{applied: true, steps: steps}, nil
}

func (s *sweeper) skipRecord(key, note string) (outcome, error) {
	if err := s.store.MarkSkipped(s.name, key, note); err != nil {
		return outcome{}, err
	}
	out := map[string]outcome{}
	s.skip(key, note, out)
	return out[key], nil
}

func (s *sweeper) skip(key, note string, out map[string]outcome) {
	s.sum.Skipped++
	out[key] = outcome{skipped: true}
	s.log.Warn("actions skipped", "key", key, "why", note)
}

// maxFailures is how many failures a Summary keeps.
const maxFailures = 20

// fail counts an action that failed and stays open for the next run.
func (s *sweeper) fail(key string, err error) {
	s.sum.Failed++
	if len(s.sum.Failures) < maxFailures {
		s.sum.Failures = append(s.sum.Failures, fmt.Errorf("invitation %s: %w", key, err))
	}
	s.log.Error("actions failed", "key", key, "err", err)
}

// presentIn reports whether a message with Message-ID id is in mailbox
// (false when the mailbox does not exist), and selects the swept mailbox
// again.
func (s *sweeper) presentIn(ctx context.Context, mailbox, id string) (bool, error) {
	_, err := s.sess.Select(ctx, mailbox)
	var ie *imap.Error
	if errors.As(err, &ie) && !fatal(ctx, err) {
		// NO: most likely no such mailbox, so the message is not there.
		s.log.Debug("select for a check failed", "mailbox", mailbox, "err", err)
		return false, s.reselect(ctx)
	}
	if err != nil {
		return false, err
	}
	uids, err := s.sess.FindByMessageID(ctx, id)
	if err != nil {
		return false, err
	}
	return len(uids) > 0, s.reselect(ctx)
}

func (s *sweeper) reselect(ctx context.Context) error {
	st, err := s.sess.Select(ctx, s.acct.Mailbox)
	if err != nil {
		return err
	}
	if st.UIDValidity != s.status.UIDValidity {
		return fmt.Errorf("mailbox %s: UIDVALIDITY changed during the sweep (%d, now %d); run the sweep again", s.acct.Mailbox, s.status.UIDValidity, st.UIDValidity)
	}
	s.status = st
	return nil
}

// actionFromSteps reads back the action of recorded steps, as
// inbox.Action.Steps words them; allowMove is whether a move is among them.
func actionFromSteps(steps []string) (act inbox.Action, allowMove bool) {
	for _, st := range steps {
		switch {
		case st == "mark seen":
			act.MarkSeen = true
		case strings.HasPrefix(st, "keyword "):
			act.Keyword = strings.TrimPrefix(st, "keyword ")
		case strings.HasPrefix(st, "copy "):
			act.CopyTo = strings.TrimPrefix(st, "copy ")
		case strings.HasPrefix(st, "move "):
			act.MoveTo = strings.TrimPrefix(st, "move ")
			allowMove = true
		}
	}
	return act, allowMove
}

// progress writes progress lines for people; a nil writer writes nothing.
type progress struct{ w io.Writer }

func (p progress) printf(format string, args ...any) {
	if p.w != nil {
		fmt.Fprintf(p.w, "triage: "+format+"\n", args...)
	}
}
