package state

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

// Records are stored in a compact binary format, because decoding JSON
// was most of the cost of listing the open records (BenchmarkDecodeRecord:
// about 13 µs and 32 allocations a record in JSON, about 1 µs and 4
// allocations in this format; a listing decodes a page of records into
// one arena, see arena.go).
// Records written before it are JSON (their first byte is '{') and are
// still read as they are; a record is rewritten in the binary format when
// it is next saved.
//
// The binary format is a format byte (formatBinary2; see below), then
// every field of the Record, in the order of appendRecord, with no field
// names or tags:
//
//   - a string is its length (uvarint) and its bytes, kept as they are
//     (not required to be UTF-8);
//   - an unsigned integer is a uvarint, a signed one a (zig-zag) varint;
//   - a bool is one byte, 0 or 1;
//   - a pointer is a byte, 0 for nil or 1, followed by the value when 1;
//   - a slice is its length plus one (uvarint), 0 for a nil slice, then
//     its elements, so nil and empty slices both come back as they were;
//   - a time.Time is a byte: 0 for the zero time; 1 for a UTC time, then
//     the Unix seconds (varint) and nanoseconds (uvarint); 2 for a time in
//     another zone, then the same plus the zone's offset east of UTC in
//     seconds (varint). A time comes back as JSON would give it: in UTC,
//     in time.Local when its offset at that instant matches, else in an
//     unnamed fixed zone; without a monotonic clock reading.
//
// Record.Account is not stored (it is filled on read). A value ends with
// its last field: trailing bytes are an error. Adding a field to Record
// means a new format byte, written from then on, with the new field after
// the others, while the decoder keeps reading the older formats (the new
// field zero) and JSON; TestCodecCoversEveryField fails until the codec
// knows the field. formatBinary2 added ReminderOf (schema 5); the next
// field would make formatBinary3.
const (
	formatBinary1 = 0x01
	formatBinary2 = 0x02
)

// maxZoneOffset bounds a stored zone offset, as RFC 3339 (and so the JSON
// encoding) does: less than a day either way.
const maxZoneOffset = 24*60*60 - 1

// errNotRecord is returned for a value that is neither format.
var errNotRecord = errors.New("not a stored record")

func encodeRecord(r Record) ([]byte, error) {
	b := make([]byte, 0, sizeHint(r))
	b = append(b, formatBinary2)
	return appendRecord(b, r)
}

// decodeRecord decodes a stored value, copying its strings into one
// allocation of their own.
func decodeRecord(account string, v []byte) (Record, error) {
	return decodeRecordIn(account, v, &arena{textChunk: len(v)}, false)
}

// decodeRecordIn decodes a stored value, copying the strings of a binary
// one into arena (v itself may be the store's memory, valid only for the
// transaction); brief leaves out what BriefFields lists. A JSON value is
// always decoded in full.
func decodeRecordIn(account string, v []byte, mem *arena, brief bool) (Record, error) {
	var r Record
	switch {
	case len(v) == 0:
		return Record{}, fmt.Errorf("empty value: %w", errNotRecord)
	case v[0] == formatBinary1 || v[0] == formatBinary2:
		var err error
		if r, err = decodeBinary(v, mem, brief); err != nil {
			return Record{}, err
		}
	case v[0] == '{':
		var d diskRecord
		if err := json.Unmarshal(v, &d); err != nil {
			return Record{}, err
		}
		r = d.Record
		r.Inviter.AcceptURL = Secret(d.AcceptURL)
	default:
		return Record{}, fmt.Errorf("unknown format byte 0x%02x: %w", v[0], errNotRecord)
	}
	r.Account = account
	return r, nil
}

// sizeHint is about the encoded size of r, so that encoding allocates once.
func sizeHint(r Record) int {
	n := 128 + len(r.Key) + locationSize(r.Location) + len(r.NoteClass) + len(r.NoteEvidence) + len(r.ReminderOf)
	iv := &r.Inviter
	n += len(iv.Name) + len(iv.FirstName) + len(iv.Headline) + len(iv.Title) + len(iv.Company) +
		len(iv.Location) + len(iv.Note) + len(iv.ProfileURL) + len(iv.InvitationID) + len(iv.AcceptURL)
	for _, x := range r.Reasons {
		n += 8 + len(x.Rule) + len(x.Why)
	}
	n += draftSize(r.Draft)
	for _, s := range r.Reminders {
		n += 24 + locationSize(s.Location)
	}
	if rv := r.Review; rv != nil {
		n += 24 + len(rv.Note) + draftSize(rv.Draft)
	}
	a := &r.Action
	n += len(a.State) + len(a.Note)
	for _, p := range a.Planned {
		n += 2 + len(p)
	}
	if a.Target != nil {
		n += locationSize(*a.Target)
	}
	for _, e := range r.Log {
		n += 20 + len(e.What) + len(e.Detail)
	}
	return n
}

func locationSize(l Location) int { return 16 + len(l.Mailbox) + len(l.MessageID) }

func draftSize(d *reply.Draft) int {
	if d == nil {
		return 0
	}
	return 6 + len(d.To) + len(d.Subject) + len(d.Body)
}

// appendRecord appends r's fields in the binary format. The order here is
// the format: decodeBinary reads them in the same order.
func appendRecord(b []byte, r Record) ([]byte, error) {
	var err error
	b = appendString(b, r.Key)
	b = appendLocation(b, r.Location)
	if b, err = appendTime(b, r.FirstSeen); err != nil {
		return nil, fmt.Errorf("first seen: %w", err)
	}

	iv := &r.Inviter
	b = appendString(b, iv.Name)
	b = appendString(b, iv.FirstName)
	b = appendString(b, iv.Headline)
	b = appendString(b, iv.Title)
	b = appendString(b, iv.Company)
	b = appendString(b, iv.Location)
	b = appendIntPtr(b, iv.Connections)
	b = appendIntPtr(b, iv.MutualConnections)
	b = appendString(b, iv.Note)
	b = appendBool(b, iv.DefaultNote)
	b = appendString(b, iv.ProfileURL)
	b = appendString(b, iv.InvitationID)
	b = appendString(b, iv.AcceptURL.Reveal())
	if b, err = appendTime(b, iv.Date); err != nil {
		return nil, fmt.Errorf("inviter date: %w", err)
	}

	b = appendBool(b, r.FromReminder)
	b = binary.AppendVarint(b, int64(r.Suggested))
	b = binary.AppendVarint(b, int64(r.Score))
	b = appendString(b, r.NoteClass)
	b = appendString(b, r.NoteEvidence)
	b = appendLen(b, r.Reasons == nil, len(r.Reasons))
	for _, x := range r.Reasons {
		b = appendString(b, x.Rule)
		b = binary.AppendVarint(b, int64(x.Points))
		b = appendString(b, x.Why)
	}
	b = appendBool(b, r.Known)
	b = appendBool(b, r.LION)
	b = appendDraft(b, r.Draft)

	b = appendLen(b, r.Reminders == nil, len(r.Reminders))
	for _, s := range r.Reminders {
		b = appendLocation(b, s.Location)
		if b, err = appendTime(b, s.SeenAt); err != nil {
			return nil, fmt.Errorf("reminder seen at: %w", err)
		}
		b = appendBool(b, s.Reminder)
	}

	b = appendBool(b, r.Review != nil)
	if rv := r.Review; rv != nil {
		b = binary.AppendVarint(b, int64(rv.Verdict))
		if b, err = appendTime(b, rv.DecidedAt); err != nil {
			return nil, fmt.Errorf("review decided at: %w", err)
		}
		b = appendString(b, rv.Note)
		b = appendDraft(b, rv.Draft)
	}

	a := &r.Action
	b = appendString(b, string(a.State))
	b = appendLen(b, a.Planned == nil, len(a.Planned))
	for _, p := range a.Planned {
		b = appendString(b, p)
	}
	b = appendBool(b, a.Target != nil)
	if a.Target != nil {
		b = appendLocation(b, *a.Target)
	}
	if b, err = appendTime(b, a.IntentAt); err != nil {
		return nil, fmt.Errorf("action intent at: %w", err)
	}
	if b, err = appendTime(b, a.DoneAt); err != nil {
		return nil, fmt.Errorf("action done at: %w", err)
	}
	b = appendString(b, a.Note)

	b = appendLen(b, r.Log == nil, len(r.Log))
	for _, e := range r.Log {
		if b, err = appendTime(b, e.At); err != nil {
			return nil, fmt.Errorf("log entry at: %w", err)
		}
		b = appendString(b, e.What)
		b = appendString(b, e.Detail)
	}

	// formatBinary2
	b = appendString(b, r.ReminderOf)
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendLen writes a slice's length plus one, or 0 for a nil slice.
func appendLen(b []byte, isNil bool, n int) []byte {
	if isNil {
		return append(b, 0)
	}
	return binary.AppendUvarint(b, uint64(n)+1)
}

func appendIntPtr(b []byte, p *int) []byte {
	if p == nil {
		return append(b, 0)
	}
	return binary.AppendVarint(append(b, 1), int64(*p))
}

func appendLocation(b []byte, l Location) []byte {
	b = appendString(b, l.Mailbox)
	b = binary.AppendUvarint(b, uint64(l.UIDValidity))
	b = binary.AppendUvarint(b, uint64(l.UID))
	return appendString(b, l.MessageID)
}

func appendDraft(b []byte, d *reply.Draft) []byte {
	if d == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	b = appendString(b, d.To)
	b = appendString(b, d.Subject)
	return appendString(b, d.Body)
}

const (
	timeZero  = 0
	timeUTC   = 1
	timeZoned = 2
)

func appendTime(b []byte, t time.Time) ([]byte, error) {
	_, off := t.Zone()
	if off == 0 && t.IsZero() {
		return append(b, timeZero), nil
	}
	if off < -maxZoneOffset || off > maxZoneOffset {
		return nil, fmt.Errorf("time zone offset %ds is a day or more", off)
	}
	tag := byte(timeUTC)
	if off != 0 {
		tag = timeZoned
	}
	b = append(b, tag)
	b = binary.AppendVarint(b, t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	if off != 0 {
		b = binary.AppendVarint(b, int64(off))
	}
	return b, nil
}

// decoder reads the binary format in place, from the store's memory,
// copying into its arena only the strings it keeps: all of them, or with
// brief those a listing shows. The first error sticks: later reads return
// zero values and the error is reported once, naming the field that
// failed and its offset.
type decoder struct {
	s     []byte
	off   int
	err   error
	mem   *arena
	brief bool
}

func (d *decoder) fail(field, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("binary record: %s at byte %d: %s", field, d.off, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) left() int { return len(d.s) - d.off }

func (d *decoder) uvarint(field string) uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.s[d.off:])
	switch {
	case n == 0:
		d.fail(field, "truncated")
		return 0
	case n < 0:
		d.fail(field, "varint overflows 64 bits")
		return 0
	}
	d.off += n
	return x
}

func (d *decoder) varint(field string) int64 {
	ux := d.uvarint(field)
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) int(field string) int {
	x := d.varint(field)
	if int64(int(x)) != x {
		d.fail(field, "%d does not fit an int", x)
		return 0
	}
	return int(x)
}

func (d *decoder) uint32(field string) uint32 {
	x := d.uvarint(field)
	if x > math.MaxUint32 {
		d.fail(field, "%d does not fit 32 bits", x)
		return 0
	}
	return uint32(x)
}

func (d *decoder) byte(field string) byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.s) {
		d.fail(field, "truncated")
		return 0
	}
	c := d.s[d.off]
	d.off++
	return c
}

func (d *decoder) bool(field string) bool {
	switch c := d.byte(field); c {
	case 0:
		return false
	case 1:
		return true
	default:
		d.off--
		d.fail(field, "bool byte 0x%02x", c)
		return false
	}
}

// string reads a string field and returns a copy of it.
func (d *decoder) string(field string) string { return d.text(field, true, false) }

// common reads a string field whose value repeats from record to record,
// returning the arena's shared copy.
func (d *decoder) common(field string) string { return d.text(field, true, true) }

// extra reads a string field that a brief record leaves out.
func (d *decoder) extra(field string) string { return d.text(field, !d.brief, false) }

// text reads a string field, returning "" unless keep is set, else a
// copy, shared with other records when shared is set.
func (d *decoder) text(field string, keep, shared bool) string {
	start := d.off
	n := d.uvarint(field)
	if d.err != nil {
		return ""
	}
	if n > uint64(d.left()) {
		left := d.left()
		d.off = start
		d.fail(field, "length %d exceeds the %d bytes left", n, left)
		return ""
	}
	b := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	switch {
	case !keep:
		return ""
	case shared:
		return d.mem.shared(b)
	}
	return d.mem.string(b)
}

// count reads a slice length (see appendLen). Each element takes at least
// minSize bytes, so a length the rest of the value cannot hold is an
// error before anything is allocated for it.
func (d *decoder) count(field string, minSize int) (n int, isNil bool) {
	start := d.off
	x := d.uvarint(field)
	if d.err != nil || x == 0 {
		return 0, true
	}
	x--
	if x > uint64(d.left()/minSize) {
		left := d.left()
		d.off = start
		d.fail(field, "%d elements cannot fit in the %d bytes left", x, left)
		return 0, true
	}
	return int(x), false
}

// present reads a pointer's presence byte.
func (d *decoder) present(field string) bool { return d.bool(field) }

func (d *decoder) intPtr(field string) *int {
	if !d.present(field) {
		return nil
	}
	v := d.int(field)
	if d.err != nil {
		return nil
	}
	return &v
}

// location reads a Location, keeping its strings when keep is set.
func (d *decoder) location(field string, keep bool) Location {
	return Location{
		Mailbox:     d.text(field, keep, true),
		UIDValidity: d.uint32(field),
		UID:         d.uint32(field),
		MessageID:   d.text(field, keep, false),
	}
}

func (d *decoder) draft(field string) *reply.Draft {
	if !d.present(field) {
		return nil
	}
	dr := &reply.Draft{To: d.string(field), Subject: d.string(field), Body: d.string(field)}
	if d.err != nil {
		return nil
	}
	return dr
}

func (d *decoder) time(field string) time.Time {
	tag := d.byte(field)
	if d.err != nil || tag == timeZero {
		return time.Time{}
	}
	if tag != timeUTC && tag != timeZoned {
		d.off--
		d.fail(field, "unknown time tag 0x%02x", tag)
		return time.Time{}
	}
	sec := d.varint(field)
	nsec := d.uvarint(field)
	if d.err == nil && nsec >= 1e9 {
		d.fail(field, "%d nanoseconds", nsec)
	}
	var off int64
	if tag == timeZoned {
		off = d.varint(field)
		if d.err == nil && (off < -maxZoneOffset || off > maxZoneOffset) {
			d.fail(field, "time zone offset %ds is a day or more", off)
		}
	}
	if d.err != nil {
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec)).UTC()
	if off == 0 {
		return t
	}
	// As time.Time's UnmarshalJSON does: the local zone when it has this
	// offset at that instant, else a fixed zone without a name.
	if lt := t.In(time.Local); zoneOffset(lt) == int(off) {
		return lt
	}
	return t.In(time.FixedZone("", int(off)))
}

func zoneOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

// Minimum encoded sizes of slice elements, for decoder.count.
const (
	minReason   = 3 // rule, points, why
	minSighting = 6 // location (4), time, bool
	minPlanned  = 1
	minEvent    = 3 // time, what, detail
)

// BriefFields lists what a brief record (Tx.OpenBriefPage) leaves out:
// what a listing of open actions does not show, and most of a record's
// size once it has a history.
const BriefFields = "Inviter.AcceptURL, NoteEvidence, Reminders, Review.Note, Action.Target, Action.Note, Log"

// decodeBinary decodes a value in a binary format, its format byte
// included, copying the strings it keeps into arena; brief leaves out
// BriefFields (they are still read, and checked, but not kept).
func decodeBinary(v []byte, mem *arena, brief bool) (Record, error) {
	d := decoder{s: v, off: 1, mem: mem, brief: brief}
	var r Record
	r.Key = d.string("key")
	r.Location = d.location("location", true)
	r.FirstSeen = d.time("first_seen")

	iv := &r.Inviter
	iv.Name = d.string("inviter.name")
	iv.FirstName = d.string("inviter.first_name")
	iv.Headline = d.string("inviter.headline")
	iv.Title = d.string("inviter.title")
	iv.Company = d.string("inviter.company")
	iv.Location = d.string("inviter.location")
	iv.Connections = d.intPtr("inviter.connections")
	iv.MutualConnections = d.intPtr("inviter.mutual_connections")
	iv.Note = d.string("inviter.note")
	iv.DefaultNote = d.bool("inviter.default_note")
	iv.ProfileURL = d.string("inviter.profile_url")
	iv.InvitationID = d.string("inviter.invitation_id")
	iv.AcceptURL = Secret(d.extra("inviter.accept_url"))
	iv.Date = d.time("inviter.date")

	r.FromReminder = d.bool("from_reminder")
	r.Suggested = policy.Verdict(d.int("suggested"))
	r.Score = d.int("score")
	r.NoteClass = d.common("note_class")
	r.NoteEvidence = d.extra("note_evidence")
	if n, isNil := d.count("reasons", minReason); !isNil {
		r.Reasons = d.mem.reasonSlice(n)
		for i := range r.Reasons {
			x := &r.Reasons[i]
			x.Rule = d.common("reasons.rule")
			x.Points = d.int("reasons.points")
			x.Why = d.common("reasons.why")
		}
	}
	r.Known = d.bool("known")
	r.LION = d.bool("lion")
	r.Draft = d.draft("draft")

	if n, isNil := d.count("reminders", minSighting); !isNil {
		if !brief {
			r.Reminders = make([]Sighting, n)
		}
		for i := range n {
			s := Sighting{
				Location: d.location("reminders.location", !brief),
				SeenAt:   d.time("reminders.seen_at"),
				Reminder: d.bool("reminders.reminder"),
			}
			if !brief {
				r.Reminders[i] = s
			}
		}
	}

	if d.present("review") {
		rv := &Review{
			Verdict:   policy.Verdict(d.int("review.verdict")),
			DecidedAt: d.time("review.decided_at"),
			Note:      d.extra("review.note"),
			Draft:     d.draft("review.draft"),
		}
		r.Review = rv
	}

	a := &r.Action
	a.State = ActionState(d.common("action.state"))
	if n, isNil := d.count("action.planned", minPlanned); !isNil {
		a.Planned = make([]string, n)
		for i := range a.Planned {
			a.Planned[i] = d.common("action.planned")
		}
	}
	if d.present("action.target") {
		l := d.location("action.target", !brief)
		if !brief {
			a.Target = &l
		}
	}
	a.IntentAt = d.time("action.intent_at")
	a.DoneAt = d.time("action.done_at")
	a.Note = d.extra("action.note")

	if n, isNil := d.count("log", minEvent); !isNil {
		if !brief {
			r.Log = make([]Event, n)
		}
		for i := range n {
			e := Event{
				At:     d.time("log.at"),
				What:   d.extra("log.what"),
				Detail: d.extra("log.detail"),
			}
			if !brief {
				r.Log[i] = e
			}
		}
	}

	if v[0] >= formatBinary2 {
		r.ReminderOf = d.string("reminder_of")
	}

	if d.err == nil && d.left() != 0 {
		d.fail("end", "%d bytes after the last field", d.left())
	}
	if d.err != nil {
		return Record{}, d.err
	}
	return r, nil
}
