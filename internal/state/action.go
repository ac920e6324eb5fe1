package state

import (
	"fmt"
	"strings"
	"time"
)

// Pending returns account's records whose actions are still to be carried
// out (state Pending), ordered by mailbox and UID. Records in Intent are
// listed by Unconfirmed instead.
func (t *Tx) Pending(account string) ([]Record, error) { return t.byState(account, Pending) }

// Unconfirmed returns account's records whose actions were recorded as
// about to be carried out and never confirmed: the run that recorded the
// intent crashed or lost its connection. The caller looks up each message
// (by Action.Target's UID, else by Message-ID) to see whether the planned
// actions took effect, then calls MarkDone, MarkSkipped or MarkIntent again.
func (t *Tx) Unconfirmed(account string) ([]Record, error) { return t.byState(account, Intent) }

func (t *Tx) byState(account string, state ActionState) ([]Record, error) {
	var recs []Record
	err := t.EachOpen(account, state, func(r Record) error { recs = append(recs, r); return nil })
	return recs, err
}

// MarkIntent records, before anything is done on the server, that the
// actions are about to be carried out on the record's message at its
// current Location. It is allowed from Pending, and from Intent again when
// reconciling decides to retry; never from Done or Skipped (ErrState).
func (t *Tx) MarkIntent(account, key string, actions []string) error {
	acct, r, err := t.mustGet(account, key)
	if err != nil {
		return err
	}
	prev := r.Action.State
	if prev != Pending && prev != Intent {
		return fmt.Errorf("account %q record %q: intent after %s: %w", account, key, prev, ErrState)
	}
	now := t.s.now().UTC()
	loc := r.Location
	r.Action = Action{State: Intent, Planned: append([]string(nil), actions...), Target: &loc, IntentAt: now}
	r.Log = append(r.Log, Event{At: now, What: "intent", Detail: strings.Join(actions, "; ")})
	return t.save(acct, r, prev)
}

// MarkDone confirms that the intended actions were carried out at at. It
// is allowed from Intent only: recording the intent first is what makes a
// crash detectable.
func (t *Tx) MarkDone(account, key string, at time.Time) error {
	acct, r, err := t.mustGet(account, key)
	if err != nil {
		return err
	}
	if r.Action.State != Intent {
		return fmt.Errorf("account %q record %q: done after %s: %w", account, key, r.Action.State, ErrState)
	}
	r.Action.State = Done
	r.Action.DoneAt = at.UTC()
	r.Log = append(r.Log, Event{At: at.UTC(), What: "done", Detail: strings.Join(r.Action.Planned, "; ")})
	return t.save(acct, r, Intent)
}

// MarkSkipped records that the record's actions will not be carried out,
// with a note saying why (typically: the message is gone, the user moved
// or deleted it). A skipped record is never retried. Allowed from Pending
// and Intent.
func (t *Tx) MarkSkipped(account, key, note string) error {
	acct, r, err := t.mustGet(account, key)
	if err != nil {
		return err
	}
	prev := r.Action.State
	if prev != Pending && prev != Intent {
		return fmt.Errorf("account %q record %q: skipped after %s: %w", account, key, prev, ErrState)
	}
	now := t.s.now().UTC()
	r.Action.State = Skipped
	r.Action.Note = note
	r.Log = append(r.Log, Event{At: now, What: "skipped", Detail: note})
	return t.save(acct, r, prev)
}

// Relocate records that a record's message now sits at loc (found again by
// Message-ID after a UIDVALIDITY change or a move), so the actions go
// there. Allowed while the actions are Pending or Intent.
func (t *Tx) Relocate(account, key string, loc Location) error {
	acct, r, err := t.mustGet(account, key)
	if err != nil {
		return err
	}
	if r.Action.State != Pending && r.Action.State != Intent {
		return fmt.Errorf("account %q record %q: relocate after %s: %w", account, key, r.Action.State, ErrState)
	}
	if loc.MessageID == "" {
		loc.MessageID = r.Location.MessageID
	}
	r.relocate(loc, t.s.now().UTC())
	return t.save(acct, r, r.Action.State)
}

// Pending returns the records whose actions are to be carried out. See
// Tx.Pending.
func (s *Store) Pending(account string) (recs []Record, err error) {
	err = s.View(func(tx *Tx) error { recs, err = tx.Pending(account); return err })
	return recs, err
}

// Unconfirmed returns the intents a crashed run left. See Tx.Unconfirmed.
func (s *Store) Unconfirmed(account string) (recs []Record, err error) {
	err = s.View(func(tx *Tx) error { recs, err = tx.Unconfirmed(account); return err })
	return recs, err
}

// MarkIntent records an intent in its own transaction. See Tx.MarkIntent.
func (s *Store) MarkIntent(account, key string, actions []string) error {
	return s.Update(func(tx *Tx) error { return tx.MarkIntent(account, key, actions) })
}

// MarkDone confirms an intent in its own transaction. See Tx.MarkDone.
func (s *Store) MarkDone(account, key string, at time.Time) error {
	return s.Update(func(tx *Tx) error { return tx.MarkDone(account, key, at) })
}

// MarkSkipped skips a record's actions in its own transaction. See
// Tx.MarkSkipped.
func (s *Store) MarkSkipped(account, key, note string) error {
	return s.Update(func(tx *Tx) error { return tx.MarkSkipped(account, key, note) })
}

// Relocate moves a record's location in its own transaction. See
// Tx.Relocate.
func (s *Store) Relocate(account, key string, loc Location) error {
	return s.Update(func(tx *Tx) error { return tx.Relocate(account, key, loc) })
}
