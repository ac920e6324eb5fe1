package state

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/triagehq/triage/internal/policy"
)

// Cached listing lines. A dry sweep lists every pending invitation of the
// account, and on 10,000 of them reading and decoding the records and
// building their output took most of a sweep with nothing new (about 35
// ms of CPU). So the store can keep, with each pending record, the part
// of its output line that depends on the record alone, rendered when the
// record is saved: bucket "line" of the account maps the record's open
// index key ("pend") to
//
//	tag(8, big-endian) verdict(1) len(Message-ID)(uvarint) Message-ID line
//
// A line is only ever written from the record it stands for, under the
// renderer's tag: by save, from the very record it saves, or by FillLines
// for a record that lacks one (in the transaction that reads it); and it
// is deleted with the record's index key: a record changed in any way (its
// location, its action, a review) gets its line rendered again or, when
// the Store has no renderer, loses it. A line under another tag (another
// version of triage, which renders differently) or damaged is not used,
// and the record is read instead.

// lineFill is how full bbolt fills the pages of the "line" bucket.
const lineFill = 0.9

// LineRenderer renders the line a Store keeps with each pending record
// (see Options.Lines).
type LineRenderer interface {
	// LineTag identifies the rendering: a line stored under another tag
	// is not given out. It must change whenever AppendLine would render
	// any record differently.
	LineTag() uint64
	// AppendLine appends the line of account's record r to dst. It must
	// depend on nothing but account and r's fields that brief records
	// keep (see BriefFields). ok false keeps no line for r.
	AppendLine(dst []byte, account string, r Record) (_ []byte, ok bool)
}

// Line is a pending record's cached line, as OpenLineRange gives it. Its
// slices are valid only during the call that gets it.
type Line struct {
	Key       []byte // the record key
	Mailbox   []byte // of the record's location
	UID       uint32 // of the record's location
	MessageID []byte // of the record's location
	// Verdict is the record's effective verdict (see Record.EffectiveVerdict).
	Verdict policy.Verdict
	// Text is what the renderer appended.
	Text []byte
}

// putLine keeps r's line under the open index key pk, when r is pending
// and the store has a renderer, and reports whether it did.
func putLine(acct bucket, account string, r Record, pk []byte, lines LineRenderer) (bool, error) {
	if lines == nil || r.Action.State != Pending || account == "" {
		return false, nil
	}
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 1024), lines.LineTag())
	v = append(v, byte(r.EffectiveVerdict()))
	v = binary.AppendUvarint(v, uint64(len(r.Location.MessageID)))
	v = append(v, r.Location.MessageID...)
	v, ok := lines.AppendLine(v, account, r)
	if !ok {
		return false, nil
	}
	b, err := acct.CreateBucketIfNotExists(bucketLine)
	if err != nil {
		return false, err
	}
	// Lines are mostly added in the order of their keys (a sweep meets
	// messages by UID), which bbolt's default fill of one half would leave
	// in half-empty pages: twice the pages a listing reads.
	b.FillPercent = lineFill
	return true, b.Put(pk, v)
}

// decodeLine reads the line value v of open index key pk into l; ok is
// false when v is under another tag than tag.
func decodeLine(pk, v []byte, tag uint64, l *Line) (ok bool, err error) {
	if len(v) < 9 || binary.BigEndian.Uint64(v) != tag {
		return false, nil
	}
	n, w := binary.Uvarint(v[9:])
	if w <= 0 || n > uint64(len(v)-9-w) {
		return false, fmt.Errorf("bad cached line of %q", pk)
	}
	i := bytes.IndexByte(pk, 0)
	j := bytes.IndexByte(pk[i+1:], 0) + i + 1
	l.Mailbox = pk[i+1 : j]
	l.UID = binary.BigEndian.Uint32(pk[j+5:])
	l.Key = pk[j+9:]
	l.Verdict = policy.Verdict(v[8])
	l.MessageID = v[9+w : 9+w+int(n)]
	l.Text = v[9+w+int(n):]
	return true, nil
}

// lineScan is what openPage needs to give out cached lines.
type lineScan struct {
	tag uint64
	fn  func(*Line) error
	c   *bolt.Cursor // on "line", stepped alongside the open index
	k   []byte       // the line key c is on; nil past the end
	v   []byte
	l   Line
}

// at gives out the line of open index key pk when there is one under the
// tag, reporting whether it did. The keys are asked for in order, so the
// cursor steps along, and seeks only for the first.
func (ls *lineScan) at(pk []byte) (bool, error) {
	if ls.c == nil {
		return false, nil
	}
	if ls.k == nil && ls.v == nil {
		ls.k, ls.v = ls.c.Seek(pk)
		if ls.k == nil {
			ls.c = nil // no more lines
			return false, nil
		}
	}
	for ls.k != nil && bytes.Compare(ls.k, pk) < 0 {
		ls.k, ls.v = ls.c.Next()
	}
	if ls.k == nil {
		ls.c = nil
		return false, nil
	}
	if !bytes.Equal(ls.k, pk) {
		return false, nil
	}
	// A damaged line is only a lost saving: the record is read instead.
	if ok, err := decodeLine(pk, ls.v, ls.tag, &ls.l); !ok || err != nil {
		return false, nil
	}
	return true, ls.fn(&ls.l)
}

// OpenLineRange is OpenBriefRange for a listing that uses cached lines:
// a record with a line under tag (see LineRenderer) is given to line,
// without reading the record, and any other, brief, to fn. Only pending
// records have lines, and only a read-only transaction gives them out.
func (t *Tx) OpenLineRange(account string, st ActionState, after, through string, skip func(key []byte) bool, tag uint64, line func(*Line) error, fn func(Record) error) error {
	var ls *lineScan
	if st == Pending && !t.tx.Writable() {
		if acct, err := t.account(account, false); err == nil && acct != nil {
			if b := acct.Bucket(bucketLine); b != nil {
				ls = &lineScan{tag: tag, fn: line, c: b.Cursor()}
			}
		}
	}
	_, err := t.openPage(account, st, after, through, 0, true, skip, ls, fn)
	return err
}

// fillBatch is how many lines FillLines renders in one write transaction:
// the records of a batch are decoded into one arena, and the transaction
// keeps other commands waiting while it runs.
const fillBatch = 1024

// FillLines renders the lines account's pending records lack: those saved
// before schema 4, by a Store without a renderer, or under another tag,
// and damaged ones. It returns how many lines it wrote; a Store without a
// renderer writes none. A listing that had to read many records calls
// it, so that the next one copies their lines. It finds them in one
// read-only transaction and writes them fillBatch at a time, so that no
// transaction holds the file for long.
func (s *Store) FillLines(account string) (n int, err error) {
	if s.lines == nil {
		return 0, nil
	}
	tag := s.lines.LineTag()
	var missing [][]byte
	err = s.View(func(tx *Tx) error {
		acct, err := tx.account(account, false)
		if err != nil || acct == nil {
			return err
		}
		lines := acct.Bucket(bucketLine)
		prefix := append([]byte(Pending), 0)
		c := acct.Bucket(bucketPend).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if lines != nil && hasLine(lines, k, tag) {
				continue
			}
			missing = append(missing, bytes.Clone(k))
		}
		return nil
	})
	for len(missing) > 0 && err == nil {
		batch := missing[:min(fillBatch, len(missing))]
		missing = missing[len(batch):]
		err = s.Update(func(tx *Tx) error {
			written, err := tx.fillLines(account, batch, tag)
			n += written
			return err
		})
	}
	if err != nil {
		return n, fmt.Errorf("keep listing lines: %w", err)
	}
	return n, nil
}

// hasLine reports whether the line bucket holds a sound line of open
// index key pk under tag.
func hasLine(lines *bolt.Bucket, pk []byte, tag uint64) bool {
	var l Line
	ok, err := decodeLine(pk, lines.Get(pk), tag, &l)
	return ok && err == nil
}

// fillLines renders the lines of the open index keys pks that still lack
// one, for FillLines, and returns how many it wrote. A key that is no
// longer in the index (the record changed since) is left alone.
func (t *Tx) fillLines(account string, pks [][]byte, tag uint64) (written int, err error) {
	acct, err := t.account(account, false)
	if err != nil || acct == nil {
		return 0, err
	}
	pend, rec := acct.Bucket(bucketPend), acct.Bucket(bucketRec)
	mem := newListingArena()
	for _, pk := range pks {
		if pend.Get(pk) == nil {
			continue
		}
		if lines := acct.Bucket(bucketLine); lines != nil && hasLine(lines, pk, tag) {
			continue
		}
		key, ok := pendRecordKey(pk)
		if !ok {
			return written, fmt.Errorf("account %q: bad open index key %q", account, pk)
		}
		v := rec.Get(key)
		if v == nil {
			return written, fmt.Errorf("account %q record %q: %w", account, key, ErrNotFound)
		}
		// Lines depend only on what brief records keep (LineRenderer).
		r, err := decodeRecordIn(account, v, mem, true)
		if err != nil {
			return written, fmt.Errorf("account %q record %q: %w", account, key, err)
		}
		// The record decides what its line says: an index key that is
		// not its own (which save never leaves) gets none.
		if !bytes.Equal(pendKey(r), pk) {
			continue
		}
		ok, err = putLine(acct, account, r, pk, t.s.lines)
		if err != nil {
			return written, err
		}
		if ok {
			written++
		}
	}
	return written, nil
}
