// Package sweep finds new LinkedIn invitations in an IMAP mailbox, decides
// them, records them in the state store and, with Apply, carries out the
// pending actions exactly once.
//
// One Run is one `triage sweep`:
//
//  1. it takes the account's sweep lock (state.ErrLocked when another
//     sweep of the account runs), logs in and selects the mailbox;
//  2. it reads the mailbox's position from the store; when UIDVALIDITY
//     changed, or with Options.All, it starts again from UID 1. When the
//     mailbox's UIDNEXT shows nothing arrived since the last sweep, no
//     recent range waits to be searched again (recheckFor) and no
//     unreadable message is due for another try, it sends no SEARCH and
//     no FETCH at all;
//  3. otherwise it runs one UID SEARCH (FROM linkedin.com or a subject of
//     any known invitation subject, above the last UID handled or the
//     start of a recent range to search again, received since
//     Options.Since), then fetches the candidates not fetched before with
//     BODY.PEEK[] (nothing is marked read), streaming;
//  4. it parses each message and decides each new invitation with the
//     policy, recording a batch of messages in one store transaction. An
//     invitation already recorded (a reminder, a digest repeating it, a
//     rescan) makes no second decision; a later message that carries it
//     gets a pending action of its own, to be filed as the invitation is
//     (state.Tx.FileReminder). A message that cannot be read is
//     recorded as an error and tried again by the next sweeps, up to
//     state.DefaultMaxAttempts times, without holding back the position;
//  5. it advances the position;
//  6. with Options.Apply it first settles the actions a crashed run left
//     unconfirmed (finding the message by Message-ID: an effect already
//     visible is confirmed, not repeated), then carries out every pending
//     action of the account, recording the intent before acting and
//     confirming after; a message the user moved or deleted meanwhile is
//     skipped, with a note, and not retried;
//  7. it emits one report.Entry per new invitation (New true), per
//     message that is not an invitation or could not be read, and per
//     invitation whose action was pending from an earlier sweep or is a
//     reminder's (New false), each with the actions exactly as Apply takes
//     them.
//
// Nothing in the mailbox changes without Options.Apply, nothing is ever
// deleted, and no LinkedIn link is followed. The store is never held
// across a network round trip.
package sweep

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/triagehq/triage/internal/config"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
)

// Options configure a Run.
type Options struct {
	// Account is the IMAP account; its defaults are applied by Run.
	Account inbox.Account
	// Policy decides new invitations; required.
	Policy *policy.Policy
	// Drafter drafts clarification replies; nil makes none.
	Drafter *reply.Drafter
	// Actions say what Apply does per verdict.
	Actions config.Actions
	// StoreDir is the state directory (state.DefaultDir for the default).
	StoreDir string
	// Apply carries out the pending actions; without it the mailbox is
	// not changed.
	Apply bool
	// All rescans the whole mailbox instead of the mail that arrived since
	// the last sweep.
	All bool
	// Since, when set, limits the search to mail received on or after its
	// date (with All too).
	Since time.Time
	// Logger receives what the sweep does (--verbose); never a secret or
	// an accept link. Nil discards.
	Logger *slog.Logger
	// Trace receives the redacted IMAP trace (--debug); nil for none.
	Trace io.Writer
	// Progress receives progress lines for people ("searching", "fetched
	// k of N", "decided"); nil for none.
	Progress io.Writer
	// JSONLines, when not nil, is where emit writes the entries, as
	// report.JSON does: a dry run then writes the lines of invitations
	// carried over from earlier sweeps to it directly, made from the JSON
	// heads the store keeps for them, in their place among the entries
	// passed to emit. That costs a fraction of reading their records and
	// building their entries.
	JSONLines io.Writer

	// parallel is how many messages are parsed and decided at once; 0
	// means runtime.GOMAXPROCS. Tests set it to compare with 1.
	parallel int
	// batch and page, when above 0, replace batchSize and openPage (for
	// tests).
	batch, page int
	// now, when set, replaces time.Now (for tests of the recheck window).
	now func() time.Time
}

// Summary counts what a Run did.
type Summary struct {
	// Candidates is how many messages the search found (plus unreadable
	// messages tried again).
	Candidates int
	// Fetched is how many messages were fetched.
	Fetched int
	// New is how many invitations were decided for the first time.
	New int
	// Reminders is how many invitations were seen again in a later
	// message (a reminder or a digest repeating them).
	Reminders int
	// NotInvitations is how many fetched messages are not invitations.
	NotInvitations int
	// Errors is how many messages could not be read or recorded. When it
	// is not zero the sweep is partial: Run still returns a nil error,
	// and the CLI exits with code 3.
	Errors int
	// Failed is how many invitations' actions failed in this Run (a
	// server refusal, a move the server cannot make); they stay open, and
	// the next applying Run tries them again. Failures holds what went
	// wrong, for the first maxFailures of them.
	Failed   int
	Failures []error
	// Pending is how many invitations, and reminders filed as theirs
	// (state.Tx.FileReminder), still have actions to carry out when the
	// Run ends.
	Pending int
	// Applied is how many invitations had their actions carried out (or
	// confirmed after a crash) by this Run.
	Applied int
	// Skipped is how many invitations' actions were given up because
	// their message is gone.
	Skipped int
	// KeywordsRefused lists the configured keywords the mailbox does not
	// store (its PERMANENTFLAGS have no \* and not them): plans leave
	// them out, so with keywords alone nothing is done to a message.
	KeywordsRefused []string
}

// batchSize is how many fetched messages are recorded per store
// transaction (each one ends with an fsync, some milliseconds: a first
// sweep of thousands of invitations commits a few times, not tens).
const batchSize = 500

// applyBatch is how many messages' intents are recorded per transaction
// before acting on them, and so how many messages one UID STORE names,
// when the actions only set keywords or \Seen. Each command costs a
// server a fixed price besides its messages: Dovecot on Maildir renames
// the files and then rescans the whole cur/ directory, about 23 ms at
// 100,000 messages, so a first --apply of 10,000 invitations took 13 s in
// batches of 50 and 3.5 s in batches of 500. 500 UIDs of ten digits make
// a 5,500-byte UID set, under the 8,000 bytes inbox keeps a command line
// to (TestApplyBatchFitsCommandLine). A crash leaves at most this many
// intents, which the next run settles one message at a time (a FETCH of
// its flags each).
//
// moveBatch is the batch when an action copies or moves: a MOVE of
// hundreds of messages can outlast a read deadline on a remote server,
// and settling a copy or move after a crash costs several round trips
// per message (the target is searched for it).
const (
	applyBatch = 500
	moveBatch  = 50
)

// batch returns the apply batch for the configured actions.
func (s *sweeper) batch() int {
	for _, v := range []policy.Verdict{policy.Accept, policy.Ignore, policy.Clarify, policy.Suspicious} {
		if a := s.o.Actions.For(v); a.MoveTo != "" || a.CopyTo != "" {
			return moveBatch
		}
	}
	return applyBatch
}

// prepareAbove is how many UIDs a search must cover for the sweep to
// build the parser's and the policy's tables while the server searches
// (Dovecot takes about 10 µs a message to search the subjects; the tables
// take tens of milliseconds of CPU, which a sweep of a few new messages
// is better off without).
const prepareAbove = 1000

// prepare builds the tables Parse and Decide build on their first call.
func prepare() {
	inbox.Prepare()
	policy.Prepare()
}

// Run sweeps the account's mailbox as the package documentation says and
// passes each output record to emit, in order; an error from emit stops
// the sweep. Errors: one wrapping state.ErrLocked when another sweep of
// the account runs; inbox.ErrConnect, inbox.ErrAuth or inbox.ErrTimeout
// from the server; context.Canceled when ctx ends (the store stays
// consistent: an action being carried out is settled by the next run).
// Messages that cannot be read and actions that fail do not stop the
// sweep: they are emitted or logged, counted in Summary.Errors, and Run
// returns a nil error.
func Run(ctx context.Context, o Options, emit func(report.Entry) error) (Summary, error) {
	if o.Policy == nil {
		return Summary{}, errors.New("sweep: no policy")
	}
	if emit == nil {
		emit = func(report.Entry) error { return nil }
	}
	acct := o.Account.WithDefaults()
	if strings.TrimSpace(acct.Name) == "" {
		return Summary{}, errors.New("sweep: the account has no name")
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("account", acct.Name)

	lines := newHeadLines()
	store, err := state.OpenOptions(o.StoreDir, state.Options{Lines: lines})
	if err != nil {
		return Summary{}, err
	}
	unlock, err := store.LockSweep(acct.Name)
	if err != nil {
		return Summary{}, err
	}
	defer func() {
		if err := unlock(); err != nil {
			log.Warn("sweep unlock failed", "err", err)
		}
	}()

	s := &sweeper{
		o:     o,
		acct:  acct,
		name:  acct.Name,
		log:   log,
		store: store,
		lines: lines,
		emit:  emit,
		prog:  progress{w: o.Progress},
		now:   time.Now,
		held:  map[string]report.Entry{},
	}
	if o.now != nil {
		s.now = o.now
	}
	began := time.Now()
	sess, err := inbox.Dial(ctx, acct, inbox.DialOptions{Logger: log, Trace: o.Trace})
	if err != nil {
		return s.sum, err
	}
	s.sess = sess
	err = s.run(ctx)
	if err != nil {
		sess.Close()
	} else if lerr := sess.Logout(); lerr != nil {
		log.Debug("imap logout", "err", lerr)
	}
	log.Info("sweep finished", "took", time.Since(began).Round(time.Millisecond),
		"candidates", s.sum.Candidates, "fetched", s.sum.Fetched, "new", s.sum.New,
		"reminders", s.sum.Reminders, "errors", s.sum.Errors, "pending", s.sum.Pending,
		"applied", s.sum.Applied, "skipped", s.sum.Skipped)
	return s.sum, err
}

type sweeper struct {
	o     Options
	acct  inbox.Account
	name  string // account name, the store's key
	log   *slog.Logger
	store *state.Store
	lines headLines // the heads the store keeps
	emit  func(report.Entry) error
	prog  progress
	now   func() time.Time

	sess   *inbox.Session
	status inbox.MailboxStatus
	sum    Summary
	// window is the recheck window to record with the position, nil
	// when it is unchanged.
	window *state.Window

	// newKeys are the records this run decided, in the order met.
	newKeys []string
	// held are the entries of new invitations kept back until their
	// actions are applied (with Apply only).
	held map[string]report.Entry
	// unlined counts the pending records a --json listing read for want
	// of a line (see fillLines).
	unlined int
}

func (s *sweeper) run(ctx context.Context) error {
	mailbox := s.acct.Mailbox
	st, err := s.sess.Select(ctx, mailbox)
	if err != nil {
		return err
	}
	s.status = st
	for _, v := range []policy.Verdict{policy.Accept, policy.Ignore, policy.Clarify, policy.Suspicious} {
		kw := s.o.Actions.For(v).Keyword
		if kw != "" && !keywordAllowed(st, kw) && !slices.Contains(s.sum.KeywordsRefused, kw) {
			s.sum.KeywordsRefused = append(s.sum.KeywordsRefused, kw)
		}
	}

	pos, err := s.store.Position(s.name, mailbox)
	if err != nil {
		return err
	}
	continues := pos.Continues(st.UIDValidity)
	var last uint32
	if continues && !s.o.All {
		last = pos.LastUID
	}
	if pos.Known() && !continues {
		s.log.Info("mailbox UIDVALIDITY changed: rescanning it", "mailbox", mailbox,
			"old_uidvalidity", pos.UIDValidity, "uidvalidity", st.UIDValidity)
	}
	var retries []state.ParseError
	if continues {
		if retries, err = s.store.Retries(s.name, mailbox, st.UIDValidity); err != nil {
			return err
		}
	}

	// The position to record: everything up to UIDNEXT-1 existed when the
	// mailbox was selected, so the search below covers it.
	highest := last
	if st.UIDNext > 0 {
		highest = max(highest, st.UIDNext-1)
	}
	// The search also covers the recent ranges to search again (see
	// recheck), and leaves out what it finds there that was fetched. A
	// rescan (--all) keeps them: it searches everything, and the ranges
	// still wait for their later search.
	var win recheck
	if continues {
		win = newRecheck(pos, s.o.All)
	}
	var uids []uint32
	if st.UIDNext == 0 || st.UIDNext-1 > last || len(win.spans) > 0 {
		if st.UIDNext == 0 || st.UIDNext-1-last >= prepareAbove {
			// A long search: build the parser's and the policy's
			// tables meanwhile, on a core the search leaves idle.
			go prepare()
		}
		s.prog.printf("searching %s", mailbox)
		crit := inbox.SearchCriteria{Subjects: inbox.SearchSubjects(), SinceUID: last, Since: s.o.Since}
		if last > 0 {
			crit.Recheck = win.ranges()
		}
		if uids, err = s.sess.SearchCandidates(ctx, crit); err != nil {
			return err
		}
		var late []uint32
		uids, late = win.filter(uids, last)
		s.log.Info("searched", "mailbox", mailbox, "above_uid", last, "ranges_again", len(crit.Recheck), "candidates", len(uids))
		if len(late) > 0 {
			s.log.Warn("the server's search found messages it had missed before (its index was behind)",
				"mailbox", mailbox, "count", len(late), "first_uids", late[:min(len(late), 10)])
		}
		if len(uids) > 0 {
			highest = max(highest, uids[len(uids)-1])
		}
	} else {
		s.log.Info("nothing new since the last sweep", "mailbox", mailbox, "last_uid", last)
	}
	// The new range waits for its later search, but not after --since:
	// the older mail that sweep left out is not to be found later.
	most := uint32(recheckUIDs)
	switch {
	case !s.o.Since.IsZero():
		most = 0
	case last == 0:
		most = firstRecheckUIDs
	}
	if next, changed := win.next(uids, last, highest, most, s.now()); changed {
		s.window = &next
	}
	retry := map[uint32]bool{}
	for _, pe := range retries {
		retry[pe.Location.UID] = true
		uids = append(uids, pe.Location.UID)
	}
	slices.Sort(uids)
	uids = slices.Compact(uids)
	s.sum.Candidates = len(uids)
	if len(retries) > 0 {
		s.log.Info("trying unreadable messages again", "count", len(retries))
	}

	newPos := !continues || highest > pos.LastUID
	if err := s.fetch(ctx, uids, retry, newPos, highest); err != nil {
		return err
	}
	if len(uids) > 0 {
		s.prog.printf("decided %d new invitations (%d reminders, %d not invitations, %d unreadable)",
			s.sum.New, s.sum.Reminders, s.sum.NotInvitations, s.sum.Errors)
	}
	return s.finish(ctx)
}

// flush records a batch of parsed messages in one transaction (with it,
// forgets the parse errors of the messages forget, and, for the last
// batch, records the position and the recheck window), then emits their
// entries: at once for a dry run, held back until applied otherwise.
func (s *sweeper) flush(batch []parsed, retry map[uint32]bool, forget []uint32, last *end) error {
	slices.SortFunc(batch, func(a, b parsed) int { return cmp.Compare(a.uid, b.uid) })
	var out []keyed
	err := s.store.Update(func(tx *state.Tx) error {
		for _, uid := range forget {
			if err := tx.ClearError(s.name, s.acct.Mailbox, s.status.UIDValidity, uid); err != nil {
				return err
			}
		}
		for _, p := range batch {
			entries, err := s.record(tx, p, retry[p.uid])
			if err != nil {
				return err
			}
			out = append(out, entries...)
		}
		return s.savePosition(tx, last)
	})
	if err != nil {
		return err
	}
	for _, k := range out {
		if k.key != "" {
			s.newKeys = append(s.newKeys, k.key)
			if s.o.Apply {
				s.held[k.key] = k.e
				continue
			}
		}
		if err := s.emit(k.e); err != nil {
			return err
		}
	}
	return nil
}

// keyed is an entry to emit, with the record key of a new invitation.
type keyed struct {
	e   report.Entry
	key string // "" for messages that are not invitations or unreadable
}

// record records one parsed message and returns its entries.
func (s *sweeper) record(tx *state.Tx, p parsed, retried bool) ([]keyed, error) {
	mailbox, validity := s.acct.Mailbox, s.status.UIDValidity
	src := inbox.Source(s.name, mailbox, validity, p.uid)
	loc := state.Location{Mailbox: mailbox, UIDValidity: validity, UID: p.uid, MessageID: p.msg.MessageID}
	switch {
	case errors.Is(p.err, inbox.ErrNotInvitation) || p.err == nil && len(p.msg.Invitations) == 0:
		s.sum.NotInvitations++
		if retried {
			if err := tx.ClearError(s.name, mailbox, validity, p.uid); err != nil {
				return nil, err
			}
		}
		var out []keyed
		for _, e := range report.Assess(src, p.msg, inbox.ErrNotInvitation, s.o.Policy, nil) {
			out = append(out, keyed{e: e})
		}
		return out, nil
	case p.err != nil:
		s.sum.Errors++
		attempts, err := tx.RecordError(s.name, mailbox, validity, p.uid, p.msg.MessageID, p.err.Error())
		if err != nil {
			return nil, err
		}
		maxAttempts := s.store.MaxAttempts()
		note := fmt.Sprintf("attempt %d of %d; tried again by the next sweep", attempts, maxAttempts)
		if attempts >= maxAttempts {
			note = fmt.Sprintf("attempt %d of %d; not tried again", attempts, maxAttempts)
		}
		s.log.Warn("unreadable message", "uid", p.uid, "attempt", attempts, "err", p.err)
		e := report.Entry{Source: src, MessageID: p.msg.MessageID, Date: p.msg.Date, Kind: report.KindError,
			Error: fmt.Sprintf("message uid %d: %v (%s)", p.uid, p.err, note)}
		return []keyed{{e: e}}, nil
	}

	type added struct {
		inv   inbox.Invitation
		dec   policy.Decision
		draft *reply.Draft
		rec   state.Record
	}
	var (
		adds    []added
		entries []keyed
		here    []state.Record // records decided on this message
	)
	now := s.now()
	for n, inv := range p.msg.Invitations {
		if inv.MessageID == "" {
			inv.MessageID = p.msg.MessageID
		}
		key := state.KeyOf(inv, n)
		if key == "" {
			s.sum.Errors++
			entries = append(entries, keyed{e: report.Entry{Source: src, Date: p.msg.Date, Kind: report.KindError,
				Error: fmt.Sprintf("message uid %d: invitation %d has neither an invitation ID nor a Message-ID, so it cannot be recorded", p.uid, n+1)}})
			continue
		}
		_, err := tx.Get(s.name, key)
		known := err == nil
		if err != nil && !errors.Is(err, state.ErrNotFound) {
			return nil, err
		}
		// A recorded invitation is never decided again.
		var (
			dec   policy.Decision
			draft *reply.Draft
		)
		switch {
		case known:
		case n < len(p.decided): // decided ahead by a pipeline worker
			dec, draft = p.decided[n].dec, p.decided[n].draft
		default:
			dec, draft = s.decide(inv)
		}
		stored, res, err := tx.Put(s.name, state.NewRecord(inv, n, dec, draft, loc, now))
		if err != nil {
			return nil, err
		}
		switch res {
		case state.Added:
			s.sum.New++
			adds = append(adds, added{inv: inv, dec: dec, draft: draft, rec: stored})
			s.log.Info("decided", "key", stored.Key, "uid", p.uid, "verdict", dec.Verdict, "score", dec.Score)
		case state.Reminded:
			s.sum.Reminders++
			s.log.Info("seen again", "key", stored.Key, "uid", p.uid, "reminder", inv.Reminder)
		case state.Unchanged:
			s.log.Debug("already recorded", "key", stored.Key, "uid", p.uid)
		}
		if stored.Location == loc {
			here = append(here, stored)
		}
		// A later message of a recorded invitation (a reminder, or a
		// digest repeating it) is filed as the invitation is, by a
		// record of its own, listed with the pending actions of earlier
		// sweeps since nothing is decided on it. One recorded before
		// reminders were filed gets its record when a rescan meets it.
		if res != state.Added && loc.MessageID != "" && !state.SameMessage(stored.Location, loc) {
			rem, rres, err := tx.FileReminder(s.name, stored, loc)
			if err != nil {
				return nil, err
			}
			if rres == state.Added {
				if res == state.Unchanged { // noted by an older triage
					s.sum.Reminders++
				}
				s.log.Info("reminder to file", "key", rem.Key, "uid", p.uid, "verdict", rem.EffectiveVerdict(), "action", rem.Action.State)
			}
			if rem.Location == loc {
				here = append(here, rem)
			}
		}
	}
	disagree := disagrees(here)
	for _, a := range adds {
		_, _, steps := s.plan(a.rec, disagree)
		e := report.Entry{Source: src, MessageID: a.inv.MessageID, Date: a.inv.Date, Kind: report.KindInvitation,
			Assessment: report.Assessed(a.inv, a.dec, nil), New: ptr(true), Actions: steps, Applied: ptr(false)}
		if e.Date.IsZero() {
			e.Date = p.msg.Date
		}
		if a.draft != nil {
			body := a.draft.Body
			e.Draft = &body
		}
		entries = append(entries, keyed{e, a.rec.Key})
	}
	return entries, nil
}

// finish applies (with Apply) and emits the entries of every invitation
// whose actions were open: the held new ones first, then those carried
// over from earlier sweeps.
func (s *sweeper) finish(ctx context.Context) error {
	if !s.o.Apply {
		return s.emitOpen()
	}
	var open []state.Record
	disagree := map[string]bool{}
	err := s.store.View(func(tx *state.Tx) error {
		unconf, err := tx.Unconfirmed(s.name)
		if err != nil {
			return err
		}
		pend, err := tx.Pending(s.name)
		if err != nil {
			return err
		}
		open = append(unconf, pend...)
		for _, r := range open {
			mid := r.Location.MessageID
			if _, done := disagree[mid]; done || mid == "" {
				continue
			}
			if disagree[mid], err = tx.VerdictsDisagree(s.name, mid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	open = slices.DeleteFunc(open, func(r state.Record) bool {
		if r.Location.Mailbox == s.acct.Mailbox {
			return false
		}
		s.log.Warn("invitation recorded in another mailbox left as it is", "key", r.Key, "mailbox", r.Location.Mailbox)
		s.sum.Pending++
		return true
	})
	slices.SortStableFunc(open, func(a, b state.Record) int { return cmp.Compare(a.Location.UID, b.Location.UID) })

	outcomes := map[string]outcome{}
	if s.o.Apply {
		var aerr error
		outcomes, aerr = s.apply(ctx, open, disagree)
		if aerr != nil {
			return aerr
		}
	}

	isNew := map[string]bool{}
	for _, k := range s.newKeys {
		isNew[k] = true
	}
	byKey := map[string]state.Record{}
	for _, r := range open {
		byKey[r.Key] = r
	}
	entry := func(e report.Entry, r state.Record) report.Entry {
		oc, ok := outcomes[r.Key]
		switch {
		case !s.o.Apply:
			s.sum.Pending++
		case ok && oc.applied:
			e.Applied, e.Actions = ptr(true), oc.steps
		case ok && oc.skipped:
			e.Applied, e.Actions = ptr(false), nil
		default:
			s.sum.Pending++
			e.Applied = ptr(false)
		}
		return e
	}
	// New invitations, held back until applied.
	if s.o.Apply {
		for _, k := range s.newKeys {
			e, ok := s.held[k]
			if !ok {
				continue
			}
			if r, ok := byKey[k]; ok {
				e = entry(e, r)
			}
			if err := s.emit(e); err != nil {
				return err
			}
		}
	}
	// Carried over from earlier sweeps.
	for _, r := range open {
		if isNew[r.Key] {
			if !s.o.Apply {
				s.sum.Pending++
			}
			continue
		}
		_, _, steps := s.plan(r, disagree[r.Location.MessageID])
		if r.Action.State == state.Intent {
			steps = r.Action.Planned
		}
		e := s.recordEntry(r, steps)
		if err := s.emit(entry(e, r)); err != nil {
			return err
		}
	}
	return nil
}

// recordEntry builds the entry of a stored invitation.
func (s *sweeper) recordEntry(r state.Record, steps []string) report.Entry {
	return recordEntry(s.name, r, steps)
}

// recordEntry is the entry of account's record r, with steps as its
// actions. Everything in it but the sweep's fields (New, Actions,
// Applied) depends on account and r alone, which is what lets the store
// keep its JSON head (see headLines).
func recordEntry(account string, r state.Record, steps []string) report.Entry {
	var nc policy.NoteClass
	_ = nc.UnmarshalText([]byte(r.NoteClass)) // unknown names read as none
	v := r.EffectiveVerdict()
	a := &report.Assessment{
		Inviter: report.Inviter{
			Name:              r.Inviter.Name,
			FirstName:         r.Inviter.FirstName,
			Headline:          r.Inviter.Headline,
			Title:             r.Inviter.Title,
			Company:           r.Inviter.Company,
			Location:          r.Inviter.Location,
			ProfileURL:        r.Inviter.ProfileURL,
			Connections:       r.Inviter.Connections,
			MutualConnections: r.Inviter.MutualConnections,
		},
		Note:         r.Inviter.Note,
		NoteClass:    nc,
		LION:         r.LION,
		Reminder:     r.FromReminder,
		InvitationID: r.Inviter.InvitationID,
		Score:        r.Score,
		Verdict:      v,
		Reasons:      r.Reasons,
	}
	if a.Reasons == nil {
		a.Reasons = []policy.Reason{}
	}
	if d := r.EffectiveDraft(); d != nil && v == policy.Clarify {
		body := d.Body
		a.Draft = &body
	}
	loc := r.Location
	return report.Entry{
		Source:     inbox.Source(account, loc.Mailbox, loc.UIDValidity, loc.UID),
		MessageID:  loc.MessageID,
		Date:       r.Inviter.Date,
		Kind:       report.KindInvitation,
		Assessment: a,
		ReminderOf: r.ReminderOf,
		New:        ptr(false),
		Actions:    steps,
		Applied:    ptr(false),
	}
}

// plan returns what Apply does for r: the action (the verdict's, reduced
// to its keyword for a digest whose invitations disagree, without a
// keyword the mailbox cannot store, without a copy or move to the mailbox
// itself), whether it may move the message, and its steps in the words of
// the output.
func (s *sweeper) plan(r state.Record, digestDisagrees bool) (inbox.Action, bool, []string) {
	act := s.o.Actions.For(r.EffectiveVerdict())
	allowMove := true
	if digestDisagrees {
		act = inbox.Action{Keyword: act.Keyword}
		allowMove = false
	}
	if act.Keyword != "" && !keywordAllowed(s.status, act.Keyword) {
		act.Keyword = ""
	}
	if act.CopyTo != "" && sameMailbox(act.CopyTo, r.Location.Mailbox) {
		act.CopyTo = ""
	}
	if act.MoveTo != "" && sameMailbox(act.MoveTo, r.Location.Mailbox) {
		act.MoveTo = ""
	}
	return act, allowMove, act.Steps(allowMove)
}

// disagrees reports whether the invitations decided on one message (a
// digest) have different verdicts.
func disagrees(recs []state.Record) bool {
	for _, r := range recs[min(1, len(recs)):] {
		if r.EffectiveVerdict() != recs[0].EffectiveVerdict() {
			return true
		}
	}
	return false
}

// keywordAllowed reports whether the mailbox stores kw: \* in its
// PERMANENTFLAGS, or kw itself there (compared without case).
func keywordAllowed(st inbox.MailboxStatus, kw string) bool {
	return st.KeywordsAllowed || slices.ContainsFunc(st.PermanentFlags, func(f string) bool { return strings.EqualFold(f, kw) })
}

// sameMailbox compares mailbox names; INBOX is case-insensitive.
func sameMailbox(a, b string) bool {
	if strings.EqualFold(a, "INBOX") || strings.EqualFold(b, "INBOX") {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// fatal reports whether err ends the session, so that going on with other
// messages is pointless.
func fatal(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, inbox.ErrTimeout) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		// The connection broke, or the server said it cannot serve now:
		// the next commands would fare no better, and a refusal is no
		// answer to "is the message there?".
		errors.Is(err, inbox.ErrSession) || errors.Is(err, inbox.ErrUnavailable)
}

func ptr[T any](v T) *T { return &v }
