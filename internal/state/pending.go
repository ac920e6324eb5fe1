package state

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The open index. Bucket "pend" holds one key per record whose action is
// Pending or Intent:
//
//	state NUL mailbox NUL UIDVALIDITY(4, big-endian) UID(4, big-endian) record-key
//
// so a cursor walks the records of one state in the order a sweep meets
// their messages, and reads (decodes) nothing else. Bucket "open" maps the
// record key to its "pend" key, so a change of state or location finds
// the entry to replace. Both are written by save, in the transaction of
// every change to a record.

// pendKey is r's key in the open index.
func pendKey(r Record) []byte {
	loc := r.Location
	k := make([]byte, 0, len(r.Action.State)+len(loc.Mailbox)+len(r.Key)+10)
	k = append(k, r.Action.State...)
	k = append(k, 0)
	k = append(k, loc.Mailbox...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint32(k, loc.UIDValidity)
	k = binary.BigEndian.AppendUint32(k, loc.UID)
	return append(k, r.Key...)
}

// pendRecordKey returns the record key at the end of an index key.
func pendRecordKey(k []byte) ([]byte, bool) {
	i := bytes.IndexByte(k, 0)
	if i < 0 {
		return nil, false
	}
	j := bytes.IndexByte(k[i+1:], 0)
	if j < 0 || len(k) < i+1+j+1+8 {
		return nil, false
	}
	return k[i+1+j+1+8:], true
}

// indexOpen puts r's entry in the open index, replacing its earlier one,
// or removes it when r's action is no longer open.
// With lines, a pending record's line is rendered and kept with its entry
// (see LineRenderer); without, it keeps none. Either way the line of its
// earlier entry goes.
func indexOpen(acct bucket, account string, r Record, lines LineRenderer) error {
	open, pend := acct.Bucket(bucketOpen), acct.Bucket(bucketPend)
	if pend == nil {
		return fmt.Errorf("account bucket lacks the open index")
	}
	key := []byte(r.Key)
	if old := open.Get(key); old != nil {
		old = bytes.Clone(old)
		if err := pend.Delete(old); err != nil {
			return err
		}
		if b := acct.Bucket(bucketLine); b != nil {
			if err := b.Delete(old); err != nil {
				return err
			}
		}
	}
	if r.Action.State != Pending && r.Action.State != Intent {
		return open.Delete(key)
	}
	pk := pendKey(r)
	if err := pend.Put(pk, nil); err != nil {
		return err
	}
	if _, err := putLine(acct, account, r, pk, lines); err != nil {
		return err
	}
	return open.Put(key, pk)
}

// EachOpen calls fn with each of account's records in action state st
// (Pending or Intent), ordered by mailbox, UIDVALIDITY and UID, decoding
// only those records; it stops at the first error fn returns. fn runs
// inside the transaction: it must not block on the network.
func (t *Tx) EachOpen(account string, st ActionState, fn func(Record) error) error {
	_, err := t.OpenPage(account, st, "", 0, fn)
	return err
}

// OpenPage calls fn with at most limit (all when limit <= 0) of account's
// records in action state st, in EachOpen's order, starting after the
// cursor after ("" for the first page). It returns the cursor of the next
// page, "" when there is none. Reading page by page, each in its own short
// View, lists any number of open records in bounded memory without keeping
// the store open while the caller writes them out.
func (t *Tx) OpenPage(account string, st ActionState, after string, limit int, fn func(Record) error) (next string, err error) {
	return t.openPage(account, st, after, "", limit, false, nil, nil, fn)
}

// OpenBriefPage is OpenPage with brief records: each leaves out the
// fields BriefFields names (they are zero), which a listing of open
// actions does not show and which are most of what reading a record
// costs, and everything else is as stored. A brief record is for reading
// only; the store's write methods read the stored record themselves, so
// none of them takes one.
func (t *Tx) OpenBriefPage(account string, st ActionState, after string, limit int, fn func(Record) error) (next string, err error) {
	return t.openPage(account, st, after, "", limit, true, nil, nil, fn)
}

// OpenCursors returns the cursors that start the pages of per records
// (per > 0) into account's records in action state st, in OpenPage's
// order: cursors[i] is the cursor OpenPage takes (after) to read page i,
// the one the OpenPage call for page i-1 returns, and cursors[0] is "".
// There is always at least one page, so an account without such records
// gets [""].
//
// It walks only the open index and reads no record, a small part of what
// reading the pages costs (about 0.3 ms for 10,000 records, where reading
// them takes some 30 ms), so that the pages can then be read side by side,
// each with OpenBriefRange(cursors[i], cursors[i+1]) in its own View. Read
// so, the pages neither overlap nor leave a gap, whatever is written
// between this call and the reading: a record is listed by the page whose
// range holds its index key when that page is read, and a page grows or
// shrinks by what was added to or removed from its range. The cursors take
// memory in proportion to the number of pages, not of records.
func (t *Tx) OpenCursors(account string, st ActionState, per int) ([]string, error) {
	if per <= 0 {
		return nil, fmt.Errorf("account %q: page size %d for the cursors of %s records is not positive", account, per, st)
	}
	cursors := []string{""}
	acct, err := t.account(account, false)
	if err != nil || acct == nil {
		return cursors, err
	}
	prefix := append([]byte(st), 0)
	c := acct.Bucket(bucketPend).Cursor()
	n := 0
	var last []byte
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if n == per {
			cursors = append(cursors, string(last))
			n = 0
		}
		last = k
		n++
	}
	return cursors, nil
}

// OpenBriefRange calls fn with the brief records (see OpenBriefPage) of
// account in action state st whose index keys come after the cursor after
// and not after the cursor through, in OpenPage's order; "" leaves that
// end open. With the cursors of OpenCursors, page i is
// OpenBriefRange(cursors[i], cursors[i+1]), and the last one
// OpenBriefRange(cursors[last], ""). It stops at the first error fn
// returns.
//
// When skip is not nil, a record whose key skip reports is not read at
// all (skip is called with the key from the index, valid only during the
// call): a sweep that has just recorded every invitation it lists no
// record twice, and reading them only to skip them was most of its
// listing.
func (t *Tx) OpenBriefRange(account string, st ActionState, after, through string, skip func(key []byte) bool, fn func(Record) error) error {
	_, err := t.openPage(account, st, after, through, 0, true, skip, nil, fn)
	return err
}

// openPage reads the records of st after the cursor after ("" from the
// first), at most limit of them (all when limit <= 0), and none whose
// index key is beyond through (no bound when through is ""). Records skip
// reports are not read but count toward limit; only OpenBriefRange, with
// no limit, passes a skip.
func (t *Tx) openPage(account string, st ActionState, after, through string, limit int, brief bool, skip func([]byte) bool, lines *lineScan, fn func(Record) error) (next string, err error) {
	acct, err := t.account(account, false)
	if err != nil || acct == nil {
		return "", err
	}
	pend := acct.Bucket(bucketPend)
	recs := newRecordReader(acct.Bucket(bucketRec), !t.tx.Writable())
	prefix := append([]byte(st), 0)
	for _, cursor := range []string{after, through} {
		if cursor != "" && !bytes.HasPrefix([]byte(cursor), prefix) {
			return "", fmt.Errorf("account %q: cursor %q is not one of %s records", account, cursor, st)
		}
	}
	c := pend.Cursor()
	var k []byte
	if after == "" {
		k, _ = c.Seek(prefix)
	} else {
		k, _ = c.Seek([]byte(after))
		if k != nil && string(k) == after {
			k, _ = c.Next()
		}
	}
	end := []byte(through)
	n := 0
	var last []byte
	for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if through != "" && bytes.Compare(k, end) > 0 {
			return "", nil
		}
		if limit > 0 && n == limit {
			return string(last), nil
		}
		last = k
		rk, ok := pendRecordKey(k)
		if !ok {
			return "", fmt.Errorf("account %q: bad open index key %q", account, k)
		}
		if skip != nil && skip(rk) {
			n++
			continue
		}
		if lines != nil {
			if ok, err := lines.at(k); err != nil {
				return "", fmt.Errorf("account %q: %w", account, err)
			} else if ok {
				n++
				continue
			}
		}
		r, err := recs.get(account, rk, brief)
		if err != nil {
			return "", err
		}
		if r.Action.State != st {
			return "", fmt.Errorf("account %q record %q: index says %s, record says %s", account, rk, st, r.Action.State)
		}
		if err := fn(r); err != nil {
			return "", err
		}
		n++
	}
	return "", nil
}

// recordReader reads records by key through one cursor on an account's
// "rec" bucket. In a read-only transaction, a key that follows the one
// read last is found by stepping the cursor once instead of searching the
// tree from its root: the open index lists records by UID, and LinkedIn's
// invitation IDs (so the "inv:" keys) grow with time as UIDs do, so a
// listing mostly asks for keys in their order. A write moves entries under
// a cursor, so in a writable transaction every read searches.
// The records' strings are copied into one arena, shared by the records
// of a page.
type recordReader struct {
	c     *bolt.Cursor
	step  bool // stepping is allowed (read-only transaction)
	on    bool // the cursor is on the key read last
	arena *arena
}

func newRecordReader(rec *bolt.Bucket, readOnly bool) recordReader {
	return recordReader{c: rec.Cursor(), step: readOnly, arena: newListingArena()}
}

// value returns the stored value of key, nil when there is none.
func (rr *recordReader) value(key []byte) []byte {
	if rr.on {
		if k, v := rr.c.Next(); k != nil && bytes.Equal(k, key) {
			return v
		}
	}
	k, v := rr.c.Seek(key)
	rr.on = rr.step && k != nil && bytes.Equal(k, key)
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// get reads and decodes the record of key, as getRecord does; brief
// leaves out BriefFields.
func (rr *recordReader) get(account string, key []byte, brief bool) (Record, error) {
	v := rr.value(key)
	if v == nil {
		return Record{}, fmt.Errorf("account %q record %q: %w", account, key, ErrNotFound)
	}
	r, err := decodeRecordIn(account, v, rr.arena, brief)
	if err != nil {
		return r, fmt.Errorf("account %q record %q: %w", account, key, err)
	}
	return r, nil
}

// PendingCount returns how many of account's records are Pending and how
// many are in Intent, from the open index alone (no record is read).
func (t *Tx) PendingCount(account string) (pending, intent int, err error) {
	acct, err := t.account(account, false)
	if err != nil || acct == nil {
		return 0, 0, err
	}
	pendingPrefix, intentPrefix := append([]byte(Pending), 0), append([]byte(Intent), 0)
	c := acct.Bucket(bucketPend).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		switch {
		case bytes.HasPrefix(k, pendingPrefix):
			pending++
		case bytes.HasPrefix(k, intentPrefix):
			intent++
		}
	}
	return pending, intent, nil
}

// VerdictsDisagree reports whether the invitations recorded from the
// message with messageID (a digest) have different effective verdicts. A
// message that carried one invitation, the common case, is answered from
// the "multi" bucket (or, in a file without one, the Message-ID index)
// without reading its record.
func (t *Tx) VerdictsDisagree(account, messageID string) (bool, error) {
	acct, err := t.account(account, false)
	if err != nil || acct == nil || messageID == "" {
		return false, err
	}
	if m := t.multiBucket(); m != nil && m.Get([]byte(messageID)) == nil {
		return false, nil // the message carried one invitation
	}
	t.scratch = append(append(t.scratch[:0], messageID...), 0)
	prefix := t.scratch
	c := t.msgIDCursor()
	k, _ := c.Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return false, nil
	}
	if k2, _ := c.Next(); k2 == nil || !bytes.HasPrefix(k2, prefix) {
		return false, nil
	}
	recs, err := t.ByMessageID(account, messageID)
	if err != nil {
		return false, err
	}
	// Reminders of an invitation first met elsewhere are not this
	// message's own invitations.
	var first *Record
	for i := range recs {
		if recs[i].Location.MessageID != messageID {
			continue
		}
		if first == nil {
			first = &recs[i]
		} else if recs[i].EffectiveVerdict() != first.EffectiveVerdict() {
			return true, nil
		}
	}
	return false, nil
}

// migrate1 builds the open index of a schema 1 file, whose "open" bucket
// mapped keys to their state.
func (t *Tx) migrate1() error {
	return t.tx.Bucket(bucketAccts).ForEachBucket(func(name []byte) error {
		acct := t.tx.Bucket(bucketAccts).Bucket(name)
		if _, err := acct.CreateBucketIfNotExists(bucketPend); err != nil {
			return fmt.Errorf("account %q: %w", name, err)
		}
		open := acct.Bucket(bucketOpen)
		var keys []string
		if err := open.ForEach(func(k, _ []byte) error { keys = append(keys, string(k)); return nil }); err != nil {
			return err
		}
		for _, k := range keys {
			r, err := t.get(acct, string(name), k)
			if err != nil {
				return err
			}
			if err := open.Delete([]byte(k)); err != nil {
				return err
			}
			if err := indexOpen(acct, string(name), r, nil); err != nil {
				return fmt.Errorf("account %q record %q: %w", name, k, err)
			}
		}
		return nil
	})
}

// PendingCount returns how many records are Pending and in Intent. See
// Tx.PendingCount.
func (s *Store) PendingCount(account string) (pending, intent int, err error) {
	err = s.View(func(tx *Tx) error { pending, intent, err = tx.PendingCount(account); return err })
	return pending, intent, err
}

// noteMulti adds messageID to the account's "multi" bucket when "msgid"
// has more than one key of it, so that a message with one record (the
// common case) is known to be one without searching "msgid".
func noteMulti(acct bucket, messageID string) error {
	multi := acct.Bucket(bucketMulti)
	if multi == nil {
		return nil // a file older than schema 4 is migrated on opening
	}
	prefix := append([]byte(messageID), 0)
	c := acct.Bucket(bucketMsgID).Cursor()
	if k, _ := c.Seek(prefix); k == nil || !bytes.HasPrefix(k, prefix) {
		return nil
	}
	if k, _ := c.Next(); k == nil || !bytes.HasPrefix(k, prefix) {
		return nil
	}
	return multi.Put([]byte(messageID), multiMark)
}

// multiMark is the value of a "multi" key. Not empty: inside a write
// transaction, bbolt's Get returns nil for a key put with an empty value
// (after the commit, an empty slice), which VerdictsDisagree would take
// for a missing key. Files written before keep their empty values; they
// are only read after their commit.
var multiMark = []byte{1}

// buildMulti makes the account's "multi" bucket from its "msgid" bucket.
func buildMulti(acct bucket) error {
	multi, err := acct.CreateBucketIfNotExists(bucketMulti)
	if err != nil {
		return err
	}
	var prev []byte // the Message-ID of the key before
	var many [][]byte
	err = acct.Bucket(bucketMsgID).ForEach(func(k, _ []byte) error {
		i := bytes.IndexByte(k, 0)
		if i < 0 {
			return nil
		}
		if prev != nil && bytes.Equal(k[:i], prev) {
			if len(many) == 0 || !bytes.Equal(many[len(many)-1], prev) {
				many = append(many, bytes.Clone(prev))
			}
		}
		prev = k[:i]
		return nil
	})
	if err != nil {
		return err
	}
	for _, m := range many {
		if err := multi.Put(m, multiMark); err != nil {
			return err
		}
	}
	return nil
}
