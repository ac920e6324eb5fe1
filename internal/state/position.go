package state

import (
	"encoding/json"
	"fmt"
	"time"
)

// Position is how far the sweeps got in one mailbox of one account.
type Position struct {
	// UIDValidity is the mailbox's UIDVALIDITY when LastUID was handled;
	// zero when the mailbox was never swept (IMAP never uses zero).
	UIDValidity uint32 `json:"uidvalidity"`
	// LastUID is the highest UID handled: a sweep needs only UIDs above it.
	LastUID uint32    `json:"last_uid"`
	Updated time.Time `json:"updated"`
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
	if old.Known() && old.UIDValidity != uidValidity {
		if err := t.dropErrors(acct, mailbox, old.UIDValidity); err != nil {
			return err
		}
	}
	v, err := json.Marshal(Position{UIDValidity: uidValidity, LastUID: lastUID, Updated: t.s.now().UTC()})
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
