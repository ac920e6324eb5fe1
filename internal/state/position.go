package state

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Position is how far the sweeps got in one mailbox of one account.
type Position struct {
	// UIDValidity is the mailbox's UIDVALIDITY when LastUID was handled;
	// zero when the mailbox was never swept (IMAP never uses zero).
	UIDValidity uint32 `json:"uidvalidity"`
	// LastUID is the highest UID handled: a sweep needs only UIDs above it.
	LastUID uint32    `json:"last_uid"`
	Updated time.Time `json:"updated"`
	// Recheck lists the UID ranges a sweep searched whose search must be
	// repeated: a server's search index (Gmail's, Exchange's) may not
	// hold a message yet when the message already has its UID, so the
	// first search can miss it. See Window.
	Recheck []Span `json:"recheck,omitempty"`
	// Seen holds the candidates already fetched within Recheck's ranges,
	// which a repeated search finds again and the sweep must not fetch
	// twice.
	Seen []uint32 `json:"seen,omitempty"`
}

// Span is a range of UIDs, From to To, a sweep searched at At.
type Span struct {
	From uint32    `json:"from"`
	To   uint32    `json:"to"`
	At   time.Time `json:"at"`
}

// Window is what a sweep records of the searches to repeat: the ranges
// still to search again and the candidates in them already fetched.
type Window struct {
	Recheck []Span
	Seen    []uint32
}

// Known reports whether the mailbox was swept before.
func (p Position) Known() bool { return p.UIDValidity != 0 }

// Continues reports whether a sweep of a mailbox whose UIDVALIDITY is now
// uidValidity can carry on from LastUID. When it cannot (the mailbox is
// new to the store, or the server renumbered it), the UIDs of the old
// position mean nothing and the caller must rescan the mailbox.
func (p Position) Continues(uidValidity uint32) bool {
	return p.Known() && p.UIDValidity == uidValidity
}

// Position returns the position of account's mailbox; the zero Position
// when it was never swept.
func (t *Tx) Position(account, mailbox string) (Position, error) {
	var p Position
	acct, err := t.account(account, false)
	if err != nil || acct == nil {
		return p, err
	}
	v := acct.Bucket(bucketPos).Get([]byte(mailbox))
	if v == nil {
		return p, nil
	}
	if err := json.Unmarshal(v, &p); err != nil {
		return p, fmt.Errorf("account %q mailbox %q: bad position: %w", account, mailbox, err)
	}
	return p, nil
}

// SetPosition records that account's mailbox, with UIDVALIDITY
// uidValidity, was handled up to lastUID. Within the same UIDVALIDITY the
// position never moves back (a --since rescan that stops lower keeps the
// higher mark). A new UIDVALIDITY replaces the position and drops the
// parse errors recorded under the old one, whose UIDs no longer exist.
func (t *Tx) SetPosition(account, mailbox string, uidValidity, lastUID uint32) error {
	if uidValidity == 0 {
		return fmt.Errorf("account %q mailbox %q: UIDVALIDITY 0 is not valid", account, mailbox)
	}
	old, err := t.Position(account, mailbox)
	if err != nil {
		return err
	}
	if old.UIDValidity == uidValidity && old.LastUID >= lastUID {
		return nil
	}
	acct, err := t.account(account, true)
	if err != nil {
		return err
	}
	p := Position{UIDValidity: uidValidity, LastUID: lastUID, Updated: t.s.now().UTC()}
	if old.Known() && old.UIDValidity != uidValidity {
		if err := t.dropErrors(acct, mailbox, old.UIDValidity); err != nil {
			return err
		}
	} else {
		p.Recheck, p.Seen = old.Recheck, old.Seen
	}
	return t.putPosition(acct, account, mailbox, p)
}

// SetWindow records the searches to repeat in account's mailbox, whose
// UIDVALIDITY is uidValidity, replacing those recorded before. It leaves
// LastUID as it is. The position must be under uidValidity already (set
// it first, in the same transaction): UIDs of another UIDVALIDITY name
// other messages.
func (t *Tx) SetWindow(account, mailbox string, uidValidity uint32, w Window) error {
	p, err := t.Position(account, mailbox)
	if err != nil {
		return err
	}
	if !p.Continues(uidValidity) {
		return fmt.Errorf("account %q mailbox %q: window for UIDVALIDITY %d, but the position is under %d",
			account, mailbox, uidValidity, p.UIDValidity)
	}
	p.Recheck, p.Seen = w.Recheck, w.Seen
	p.Updated = t.s.now().UTC()
	acct, err := t.account(account, true)
	if err != nil {
		return err
	}
	return t.putPosition(acct, account, mailbox, p)
}

func (t *Tx) putPosition(acct *bolt.Bucket, account, mailbox string, p Position) error {
	v, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := acct.Bucket(bucketPos).Put([]byte(mailbox), v); err != nil {
		return fmt.Errorf("account %q mailbox %q: save position: %w", account, mailbox, err)
	}
	return nil
}

// Position returns the position of account's mailbox; the zero Position
// when it was never swept. See Tx.Position.
func (s *Store) Position(account, mailbox string) (p Position, err error) {
	err = s.View(func(tx *Tx) error { p, err = tx.Position(account, mailbox); return err })
	return p, err
}

// SetPosition records the position of account's mailbox in its own
// transaction. See Tx.SetPosition.
func (s *Store) SetPosition(account, mailbox string, uidValidity, lastUID uint32) error {
	return s.Update(func(tx *Tx) error { return tx.SetPosition(account, mailbox, uidValidity, lastUID) })
}
