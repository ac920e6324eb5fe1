package state

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// ParseError is a message a sweep could not read. It does not hold back
// the mailbox's position: the sweeps retry it until it has failed
// MaxAttempts times, then keep it only for reports.
type ParseError struct {
	Location Location  `json:"location"`
	Attempts int       `json:"attempts"`
	Err      string    `json:"error"` // the last error's text
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
}

func errKey(mailbox string, uidValidity, uid uint32) []byte {
	k := make([]byte, 0, len(mailbox)+9)
	k = append(k, mailbox...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint32(k, uidValidity)
	return binary.BigEndian.AppendUint32(k, uid)
}

// RecordError records a failed attempt to read the message at mailbox,
// uidValidity, uid and returns how many attempts have failed so far.
func (t *Tx) RecordError(account, mailbox string, uidValidity, uid uint32, messageID, errText string) (int, error) {
	acct, err := t.account(account, true)
	if err != nil {
		return 0, err
	}
	b := acct.Bucket(bucketErr)
	k := errKey(mailbox, uidValidity, uid)
	now := t.s.now().UTC()
	pe := ParseError{First: now}
	if v := b.Get(k); v != nil {
		if err := json.Unmarshal(v, &pe); err != nil {
			return 0, fmt.Errorf("account %q mailbox %q uid %d: bad error record: %w", account, mailbox, uid, err)
		}
	}
	pe.Location = Location{Mailbox: mailbox, UIDValidity: uidValidity, UID: uid, MessageID: messageID}
	pe.Attempts++
	pe.Err = errText
	pe.Last = now
	v, err := json.Marshal(pe)
	if err != nil {
		return 0, err
	}
	if err := b.Put(k, v); err != nil {
		return 0, fmt.Errorf("account %q mailbox %q uid %d: save error: %w", account, mailbox, uid, err)
	}
	return pe.Attempts, nil
}

// Retries returns the messages of account's mailbox, under UIDVALIDITY
// uidValidity, that failed fewer than MaxAttempts times: the ones the next
// sweep should fetch again even though they are below the position.
func (t *Tx) Retries(account, mailbox string, uidValidity uint32) ([]ParseError, error) {
	all, err := t.errors(account, errKey(mailbox, uidValidity, 0)[:len(mailbox)+5])
	var retry []ParseError
	for _, pe := range all {
		if pe.Attempts < t.s.maxAttempts {
			retry = append(retry, pe)
		}
	}
	return retry, err
}

// Errors returns every parse error recorded for account, given up or not.
func (t *Tx) Errors(account string) ([]ParseError, error) { return t.errors(account, nil) }

func (t *Tx) errors(account string, prefix []byte) ([]ParseError, error) {
	acct, err := t.account(account, false)
	if err != nil || acct == nil {
		return nil, err
	}
	var list []ParseError
	c := acct.Bucket(bucketErr).Cursor()
	k, v := c.First()
	if len(prefix) > 0 {
		k, v = c.Seek(prefix)
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var pe ParseError
		if err := json.Unmarshal(v, &pe); err != nil {
			return nil, fmt.Errorf("account %q: bad error record %q: %w", account, k, err)
		}
		list = append(list, pe)
	}
	return list, nil
}

// ClearError forgets the parse error of a message that was read at last
// (or turned out not to be an invitation). Put does this by itself.
func (t *Tx) ClearError(account, mailbox string, uidValidity, uid uint32) error {
	acct, err := t.account(account, false)
	if err != nil || acct == nil {
		return err
	}
	return t.clearError(acct, Location{Mailbox: mailbox, UIDValidity: uidValidity, UID: uid})
}

func (t *Tx) clearError(acct bucket, loc Location) error {
	if err := acct.Bucket(bucketErr).Delete(errKey(loc.Mailbox, loc.UIDValidity, loc.UID)); err != nil {
		return fmt.Errorf("mailbox %q uid %d: clear error: %w", loc.Mailbox, loc.UID, err)
	}
	return nil
}

// dropErrors forgets a mailbox's errors under an old UIDVALIDITY.
func (t *Tx) dropErrors(acct bucket, mailbox string, uidValidity uint32) error {
	prefix := errKey(mailbox, uidValidity, 0)[:len(mailbox)+5]
	c := acct.Bucket(bucketErr).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return fmt.Errorf("mailbox %q: drop old errors: %w", mailbox, err)
		}
	}
	return nil
}

// RecordError records a failed read in its own transaction. See
// Tx.RecordError.
func (s *Store) RecordError(account, mailbox string, uidValidity, uid uint32, messageID, errText string) (attempts int, err error) {
	err = s.Update(func(tx *Tx) error {
		attempts, err = tx.RecordError(account, mailbox, uidValidity, uid, messageID, errText)
		return err
	})
	return attempts, err
}

// Retries lists the messages to read again. See Tx.Retries.
func (s *Store) Retries(account, mailbox string, uidValidity uint32) (list []ParseError, err error) {
	err = s.View(func(tx *Tx) error { list, err = tx.Retries(account, mailbox, uidValidity); return err })
	return list, err
}

// Errors lists every parse error of account. See Tx.Errors.
func (s *Store) Errors(account string) (list []ParseError, err error) {
	err = s.View(func(tx *Tx) error { list, err = tx.Errors(account); return err })
	return list, err
}

// ClearError forgets a parse error in its own transaction. See
// Tx.ClearError.
func (s *Store) ClearError(account, mailbox string, uidValidity, uid uint32) error {
	return s.Update(func(tx *Tx) error { return tx.ClearError(account, mailbox, uidValidity, uid) })
}

// MaxAttempts is how many failed reads a message gets before the sweeps
// give up on it.
func (s *Store) MaxAttempts() int { return s.maxAttempts }
