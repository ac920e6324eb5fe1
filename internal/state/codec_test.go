package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

// encodeRecordJSON is how records were stored before the binary format.
func encodeRecordJSON(r Record) ([]byte, error) {
	return json.Marshal(diskRecord{Record: r, AcceptURL: r.Inviter.AcceptURL.Reveal()})
}

// filler sets every exported field of a value, recursively, to a non-zero
// value different from every other field's, so that a field the codec
// forgets, or two fields it swaps, show in a round trip.
type filler struct {
	t *testing.T
	n int
}

var timeType = reflect.TypeFor[time.Time]()

func (f *filler) fill(v reflect.Value, path string) {
	f.n++
	n := f.n
	if v.Type() == timeType {
		// Nanoseconds and an instant before 1970 both matter to the format.
		v.Set(reflect.ValueOf(time.Date(1950+n, time.Month(1+n%12), 1+n%28, n%24, n%60, n%60, n*1000+7, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s=%d ünïcode", path, n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(n * 1000003))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(n * 1000003))
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), path)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 3, 3)
		for i := range s.Len() {
			f.fill(s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if sf := v.Type().Field(i); sf.IsExported() {
				f.fill(v.Field(i), path+"."+sf.Name)
			}
		}
	default:
		f.t.Fatalf("filler: %s has kind %s, which the codec does not handle: teach codec.go and this test", path, v.Kind())
	}
}

// zeroFields lists the exported fields left zero in v.
func zeroFields(v reflect.Value, path string) []string {
	if v.Type() == timeType {
		if v.Interface().(time.Time).IsZero() {
			return []string{path}
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return []string{path}
		}
		return zeroFields(v.Elem(), path)
	case reflect.Slice:
		if v.Len() == 0 {
			return []string{path}
		}
		var z []string
		for i := range v.Len() {
			z = append(z, zeroFields(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return z
	case reflect.Struct:
		var z []string
		for i := range v.NumField() {
			if sf := v.Type().Field(i); sf.IsExported() {
				z = append(z, zeroFields(v.Field(i), path+"."+sf.Name)...)
			}
		}
		return z
	default:
		if v.IsZero() {
			return []string{path}
		}
		return nil
	}
}

func filledRecord(t *testing.T) Record {
	t.Helper()
	var r Record
	(&filler{t: t}).fill(reflect.ValueOf(&r).Elem(), "Record")
	if z := zeroFields(reflect.ValueOf(r), "Record"); len(z) > 0 {
		t.Fatalf("filler left fields zero: %v", z)
	}
	r.Account = acct // not stored: filled on read
	return r
}

func roundTrip(t *testing.T, r Record) Record {
	t.Helper()
	b, err := encodeRecord(r)
	if err != nil {
		t.Fatalf("encodeRecord(%q) = %v", r.Key, err)
	}
	if b[0] != formatBinary2 {
		t.Fatalf("encodeRecord(%q) starts with 0x%02x, want 0x%02x", r.Key, b[0], formatBinary2)
	}
	got, err := decodeRecord(acct, b)
	if err != nil {
		t.Fatalf("decodeRecord(encodeRecord(%q)) = %v", r.Key, err)
	}
	return got
}

func roundTripJSON(t *testing.T, r Record) Record {
	t.Helper()
	b, err := encodeRecordJSON(r)
	if err != nil {
		t.Fatalf("JSON encoding of %q = %v", r.Key, err)
	}
	got, err := decodeRecord(acct, b)
	if err != nil {
		t.Fatalf("decodeRecord(JSON of %q) = %v", r.Key, err)
	}
	return got
}

func TestCodecCoversEveryField(t *testing.T) {
	r := filledRecord(t)
	got := roundTrip(t, r)
	if !reflect.DeepEqual(got, r) {
		t.Errorf("binary round trip of a record with every field set:\n got %#v\nwant %#v\n(see fieldDiff: %v)", got, r, fieldDiff(reflect.ValueOf(got), reflect.ValueOf(r), "Record"))
	}
	if got.Inviter.AcceptURL.Reveal() != r.Inviter.AcceptURL.Reveal() {
		t.Errorf("accept URL after round trip = %q, want %q", got.Inviter.AcceptURL.Reveal(), r.Inviter.AcceptURL.Reveal())
	}
	// What JSON gave for the same record, so a reader cannot tell the
	// formats apart. JSON stores verdicts by name: only known ones
	// survive it (the binary format keeps any number).
	r = validVerdicts(r)
	if got, js := roundTrip(t, r), roundTripJSON(t, r); !reflect.DeepEqual(got, js) {
		t.Errorf("binary and JSON round trips differ: %v", fieldDiff(reflect.ValueOf(got), reflect.ValueOf(js), "Record"))
	}
}

// TestCodecReadsFormat1 reads a record as triage wrote it before
// formatBinary2 (schema 4 and older): every field but ReminderOf, which
// comes back empty, and a value with a byte after its last field is still
// refused.
func TestCodecReadsFormat1(t *testing.T) {
	r := filledRecord(t)
	r.ReminderOf = ""
	v2, err := encodeRecord(r)
	if err != nil {
		t.Fatal(err)
	}
	if v2[len(v2)-1] != 0 {
		t.Fatalf("the encoding of an empty ReminderOf ends with 0x%02x, want 0", v2[len(v2)-1])
	}
	// Format 1 is format 2 without its last field.
	v1 := append([]byte{formatBinary1}, v2[1:len(v2)-1]...)
	got, err := decodeRecord(acct, v1)
	if err != nil {
		t.Fatalf("decodeRecord of a format 1 value = %v", err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("format 1 value read as %v", fieldDiff(reflect.ValueOf(got), reflect.ValueOf(r), "Record"))
	}
	if _, err := decodeRecord(acct, append(v1, 0)); err == nil || !strings.Contains(err.Error(), "after the last field") {
		t.Errorf("a format 1 value with a trailing byte: decodeRecord = %v, want an error saying so", err)
	}
	// A format 2 value without its last field is truncated.
	if _, err := decodeRecord(acct, v2[:len(v2)-1]); err == nil || !strings.Contains(err.Error(), "reminder_of") {
		t.Errorf("a format 2 value without reminder_of: decodeRecord = %v, want an error naming the field", err)
	}
}

// validVerdicts returns r with verdicts JSON can store, distinct and
// non-zero.
func validVerdicts(r Record) Record {
	r.Suggested = policy.Accept
	if r.Review != nil {
		rv := *r.Review
		rv.Verdict = policy.Suspicious
		r.Review = &rv
	}
	return r
}

// fieldDiff names the fields where a and b differ, for failure messages.
func fieldDiff(a, b reflect.Value, path string) []string { return diff(a, b, path, false) }

// sameInstants reports whether a and b are the same record, with times
// compared by instant and zone offset only: JSON reads an offset as
// time.Local when the local zone has it at that instant, else as an
// unnamed fixed zone, and "+00:00" may come back as time.Local.
func sameInstants(a, b Record) bool {
	return len(diff(reflect.ValueOf(a), reflect.ValueOf(b), "Record", true)) == 0
}

func diff(a, b reflect.Value, path string, looseTimes bool) []string {
	if a.Type() == timeType {
		ta, tb := a.Interface().(time.Time), b.Interface().(time.Time)
		if looseTimes && ta.Equal(tb) && zoneOffset(ta) == zoneOffset(tb) {
			return nil
		}
		if !reflect.DeepEqual(ta, tb) {
			return []string{fmt.Sprintf("%s: %v != %v", path, a.Interface(), b.Interface())}
		}
		return nil
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return []string{path + ": nil vs non-nil"}
			}
			return nil
		}
		return diff(a.Elem(), b.Elem(), path, looseTimes)
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return []string{fmt.Sprintf("%s: len %d (nil %t) vs %d (nil %t)", path, a.Len(), a.IsNil(), b.Len(), b.IsNil())}
		}
		var d []string
		for i := range a.Len() {
			d = append(d, diff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), looseTimes)...)
		}
		return d
	case reflect.Struct:
		var d []string
		for i := range a.NumField() {
			if sf := a.Type().Field(i); sf.IsExported() {
				d = append(d, diff(a.Field(i), b.Field(i), path+"."+sf.Name, looseTimes)...)
			}
		}
		return d
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			if a.Kind() == reflect.String {
				return []string{fmt.Sprintf("%s: %.80q != %.80q", path, a.String(), b.String())}
			}
			return []string{fmt.Sprintf("%s: %#v != %#v", path, a.Interface(), b.Interface())}
		}
		return nil
	}
}

func TestCodecZeroAndEmpty(t *testing.T) {
	zero := Record{Account: acct}
	if got := roundTrip(t, Record{}); !reflect.DeepEqual(got, zero) {
		t.Errorf("round trip of Record{} = %#v, want %#v", got, zero)
	}
	if got, js := roundTrip(t, Record{}), roundTripJSON(t, Record{}); !reflect.DeepEqual(got, js) {
		t.Errorf("Record{}: binary gives %#v, JSON gave %#v", got, js)
	}

	// Nil and empty slices come back as they were. For reasons and log,
	// which JSON writes even when empty (null or []), that is also what
	// JSON gave; JSON dropped empty planned actions and reminders (nil on
	// read), a case no caller makes or tells apart (they use len).
	empty := Record{Key: "k", Reasons: []policy.Reason{}, Log: []Event{}, Reminders: []Sighting{}, Action: Action{Planned: []string{}}}
	empty.Account = acct
	got := roundTrip(t, empty)
	if !reflect.DeepEqual(got, empty) {
		t.Errorf("round trip of empty slices: %v", fieldDiff(reflect.ValueOf(got), reflect.ValueOf(empty), "Record"))
	}
	js := roundTripJSON(t, empty)
	if got.Reasons == nil || js.Reasons == nil || got.Log == nil || js.Log == nil {
		t.Errorf("empty reasons/log: binary nil %t/%t, JSON nil %t/%t; want non-nil", got.Reasons == nil, got.Log == nil, js.Reasons == nil, js.Log == nil)
	}
	if zb, zj := roundTrip(t, Record{Key: "k"}), roundTripJSON(t, Record{Key: "k"}); zb.Reasons != nil || zj.Reasons != nil || zb.Log != nil || zj.Log != nil {
		t.Errorf("nil reasons/log came back non-nil (binary %v %v, JSON %v %v)", zb.Reasons, zb.Log, zj.Reasons, zj.Log)
	}

	// Pointers to zero values stay pointers.
	zeroInt := 0
	ptrs := Record{Key: "p", Account: acct, Inviter: Inviter{Connections: &zeroInt, MutualConnections: &zeroInt},
		Draft: &reply.Draft{}, Review: &Review{Draft: &reply.Draft{}}, Action: Action{Target: &Location{}}}
	if got := roundTrip(t, ptrs); !reflect.DeepEqual(got, ptrs) {
		t.Errorf("round trip of pointers to zero values: %v", fieldDiff(reflect.ValueOf(got), reflect.ValueOf(ptrs), "Record"))
	}
	if got, js := roundTrip(t, ptrs), roundTripJSON(t, ptrs); !reflect.DeepEqual(got, js) {
		t.Errorf("pointers to zero values: binary and JSON differ: %v", fieldDiff(reflect.ValueOf(got), reflect.ValueOf(js), "Record"))
	}
}

func TestCodecStrings(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	for _, s := range []string{"", "\x00", "\xff\xfe not UTF-8 \xc3", "\"{}[]\\", "\u2028\u2029<>&", long} {
		r := Record{Key: s, Account: acct, NoteEvidence: s, Inviter: Inviter{Note: s, AcceptURL: Secret(s)},
			Reasons: []policy.Reason{{Rule: s, Why: s}}, Action: Action{Planned: []string{s, s}}, Log: []Event{{What: s, Detail: s}}}
		if got := roundTrip(t, r); !reflect.DeepEqual(got, r) {
			t.Errorf("round trip of strings %.40q: %.300v", s, fieldDiff(reflect.ValueOf(got), reflect.ValueOf(r), "Record"))
		}
	}
}

func TestCodecTimes(t *testing.T) {
	times := []time.Time{
		{},
		time.Date(2025, 3, 14, 9, 0, 0, 123456789, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC), // negative Unix time
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),                 // one nanosecond after zero
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2025, 3, 14, 9, 0, 0, 0, time.FixedZone("CET", 3600)),
		time.Date(2025, 3, 14, 9, 0, 0, 5, time.FixedZone("", -(9*3600+30*60))),
		time.Date(2025, 3, 14, 9, 0, 0, 0, time.FixedZone("UTC", 0)),
		time.Date(2025, 3, 14, 9, 0, 0, 0, time.Local),
		time.Now(), // with a monotonic clock reading, dropped as JSON does
	}
	for _, tm := range times {
		r := Record{Key: "t", FirstSeen: tm, Inviter: Inviter{Date: tm}, Review: &Review{DecidedAt: tm},
			Reminders: []Sighting{{SeenAt: tm}}, Action: Action{IntentAt: tm, DoneAt: tm}, Log: []Event{{At: tm}}}
		got, js := roundTrip(t, r), roundTripJSON(t, r)
		if !reflect.DeepEqual(got, js) {
			t.Errorf("time %v: binary and JSON round trips differ: %v", tm, fieldDiff(reflect.ValueOf(got), reflect.ValueOf(js), "Record"))
		}
		if !got.FirstSeen.Equal(tm) {
			t.Errorf("time %v came back as %v", tm, got.FirstSeen)
		}
	}
	// Beyond JSON's years the binary format is still exact.
	for _, tm := range []time.Time{time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(12000, 1, 1, 0, 0, 0, 1, time.UTC)} {
		if got := roundTrip(t, Record{FirstSeen: tm}); !got.FirstSeen.Equal(tm) || got.FirstSeen.Location() != time.UTC {
			t.Errorf("time %v came back as %v", tm, got.FirstSeen)
		}
	}
	// A zone offset of a day or more, which JSON refused, is refused.
	if _, err := encodeRecord(Record{FirstSeen: time.Date(2025, 1, 1, 0, 0, 0, 0, time.FixedZone("", 86400))}); err == nil {
		t.Errorf("encodeRecord with a +24:00 zone = nil error, want one")
	}
}

// fixtureRecord is testdata/record-json.json, a record as the JSON
// format stored it.
func fixtureRecord() Record {
	conn, mutual := 512, 0
	return Record{
		Key:       "inv:7301234567890123456",
		Account:   acct,
		Location:  Location{Mailbox: "INBOX", UIDValidity: 1700000000, UID: 4213, MessageID: "0123.abc@linkedin.com"},
		FirstSeen: time.Date(2025, 3, 14, 9, 0, 1, 0, time.UTC),
		Inviter: Inviter{
			Name: "Zoë Müller", FirstName: "Zoë", Headline: "Head of Data at Example", Title: "Head of Data", Company: "Example",
			Location: "Paris", Connections: &conn, MutualConnections: &mutual,
			Note: "We met at GopherCon \u2014 shall we compare notes on IMAP?", ProfileURL: "https://www.linkedin.com/in/zoe-muller/",
			InvitationID: "7301234567890123456", AcceptURL: "https://www.linkedin.com/comm/invitations/accept?invitationId=7301234567890123456&midToken=SECRETmid",
			Date: time.Date(2025, 3, 14, 8, 59, 30, 0, time.FixedZone("", 3600)),
		},
		Suggested: policy.Clarify, Score: 1, NoteClass: "generic", NoteEvidence: "compare notes",
		Reasons: []policy.Reason{{Rule: "note.generic", Points: 0, Why: "the note could have been sent to anyone"}, {Rule: "connections", Points: 1, Why: "500+ connections"}},
		Draft:   &reply.Draft{To: "Zoë Müller", Subject: "Your invitation", Body: "Thanks for the request.\nWhat is it about?"},
		Reminders: []Sighting{{Location: Location{Mailbox: "INBOX", UIDValidity: 1700000000, UID: 4300, MessageID: "0456.def@linkedin.com"},
			SeenAt: time.Date(2025, 3, 21, 9, 0, 0, 500, time.UTC), Reminder: true}},
		Review: &Review{Verdict: policy.Accept, DecidedAt: time.Date(2025, 3, 22, 10, 0, 0, 0, time.UTC), Note: "met her at the meetup"},
		Action: Action{State: Intent, Planned: []string{"keyword $Triage_accept", "move LinkedIn/Accept"},
			Target:   &Location{Mailbox: "INBOX", UIDValidity: 1700000000, UID: 4213, MessageID: "0123.abc@linkedin.com"},
			IntentAt: time.Date(2025, 3, 22, 10, 5, 0, 0, time.UTC)},
		Log: []Event{
			{At: time.Date(2025, 3, 14, 9, 0, 1, 0, time.UTC), What: "decided", Detail: "clarify (score 1)"},
			{At: time.Date(2025, 3, 21, 9, 0, 0, 500, time.UTC), What: "reminder", Detail: "0456.def@linkedin.com"},
			{At: time.Date(2025, 3, 22, 10, 0, 0, 0, time.UTC), What: "review", Detail: "accept"},
			{At: time.Date(2025, 3, 22, 10, 5, 0, 0, time.UTC), What: "intent", Detail: "keyword $Triage_accept; move LinkedIn/Accept"},
		},
	}
}

func TestOldJSONRecordsDecode(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("testdata", "record-json.json"))
	if err != nil {
		t.Fatal(err)
	}
	old = bytes.TrimSpace(old)
	got, err := decodeRecord(acct, old)
	if err != nil {
		t.Fatalf("decodeRecord(testdata/record-json.json) = %v", err)
	}
	want := fixtureRecord()
	if !sameInstants(got, want) {
		t.Errorf("decodeRecord(testdata/record-json.json):\n got %#v\nwant %#v\n%v", got, want, fieldDiff(reflect.ValueOf(got), reflect.ValueOf(want), "Record"))
	}
	// Rewritten in the binary format, it reads back identically.
	if again := roundTrip(t, got); !reflect.DeepEqual(again, got) {
		t.Errorf("JSON record rewritten in binary: %v", fieldDiff(reflect.ValueOf(again), reflect.ValueOf(got), "Record"))
	}
	// And so does any record the old encoder wrote.
	for _, r := range []Record{{}, validVerdicts(filledRecord(t)), fixtureRecord(), sampleRecord(1)} {
		if js, bin := roundTripJSON(t, r), roundTrip(t, r); !reflect.DeepEqual(js, bin) {
			t.Errorf("record %q: JSON and binary differ: %v", r.Key, fieldDiff(reflect.ValueOf(js), reflect.ValueOf(bin), "Record"))
		}
	}
}

// TestOldJSONStore reads a store whose records were written in JSON, as
// every store was before the binary format: they are listed and read as
// they are, and a change rewrites the record in the binary format.
func TestOldJSONStore(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir)
	var want []Record
	for i := range 3 {
		r, _ := put(t, s, sampleRecord(i))
		want = append(want, r)
	}
	// Rewrite the values as the JSON encoder wrote them, in a schema 2
	// file.
	db, err := bolt.Open(filepath.Join(dir, dbName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketMeta).Put(keyVersion, []byte("2")); err != nil {
			return err
		}
		rec := tx.Bucket(bucketAccts).Bucket([]byte(acct)).Bucket(bucketRec)
		for _, r := range want {
			v, err := encodeRecordJSON(r)
			if err != nil {
				return err
			}
			if err := rec.Put([]byte(r.Key), v); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	raw := func(key string) []byte {
		t.Helper()
		var v []byte
		db, err := bolt.Open(filepath.Join(dir, dbName), 0o600, &bolt.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.View(func(tx *bolt.Tx) error {
			v = bytes.Clone(tx.Bucket(bucketAccts).Bucket([]byte(acct)).Bucket(bucketRec).Get([]byte(key)))
			return nil
		})
		return v
	}
	if v := raw(want[0].Key); len(v) == 0 || v[0] != '{' {
		t.Fatalf("setup: stored value %.20q, want JSON", v)
	}
	// Opening it records schema 3 and changes no record.
	s = newStore(t, dir)
	var version int
	if err := s.View(func(tx *Tx) (err error) { version, err = tx.version(); return err }); err != nil || version != schemaVersion {
		t.Errorf("schema after opening a schema 2 file = %d, %v; want %d", version, err, schemaVersion)
	}
	if v := raw(want[0].Key); len(v) == 0 || v[0] != '{' {
		t.Errorf("opening a schema 2 file rewrote a record: %.20q", v)
	}

	var listed []Record
	err = s.View(func(tx *Tx) error {
		return tx.EachOpen(acct, Pending, func(r Record) error { listed = append(listed, r); return nil })
	})
	if err != nil {
		t.Fatalf("EachOpen over JSON records = %v", err)
	}
	if len(listed) != len(want) {
		t.Fatalf("EachOpen listed %d records, want %d", len(listed), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(listed[i], want[i]) {
			t.Errorf("EachOpen record %d: %v", i, fieldDiff(reflect.ValueOf(listed[i]), reflect.ValueOf(want[i]), "Record"))
		}
	}

	if err := s.SetReview(acct, want[0].Key, Review{Verdict: policy.Ignore, Note: "no"}); err != nil {
		t.Fatal(err)
	}
	if v := raw(want[0].Key); len(v) == 0 || v[0] != formatBinary2 {
		t.Errorf("after SetReview the stored value starts %.20q, want the binary format", v)
	}
	got, err := s.Get(acct, want[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	if got.Review == nil || got.Review.Verdict != policy.Ignore || got.Inviter != want[0].Inviter || len(got.Log) != len(want[0].Log)+1 {
		t.Errorf("after SetReview on a JSON record: %#v", got)
	}
	if other, err := s.Get(acct, want[1].Key); err != nil || !reflect.DeepEqual(other, want[1]) {
		t.Errorf("Get of an untouched JSON record = %v, %v", fieldDiff(reflect.ValueOf(other), reflect.ValueOf(want[1]), "Record"), err)
	}
}

// sampleRecord is a record as a sweep stores it.
func sampleRecord(i int) Record {
	id := fmt.Sprint(7000000 + i)
	mid := id + "@linkedin.com"
	r := NewRecord(invitation(id, mid, "Person "+id), 0, decision(policy.Accept, 5), nil, loc(uint32(i+1), mid), t0)
	r.Account = acct
	r.Log = []Event{{At: t0.Add(time.Second), What: "decided", Detail: "accept (score 5)"}}
	return r
}

func TestDecodeCorrupt(t *testing.T) {
	good, err := encodeRecord(fixtureRecord())
	if err != nil {
		t.Fatal(err)
	}
	// Every truncation is an error, never a panic or a partial record.
	for n := range len(good) {
		if _, err := decodeRecord(acct, good[:n]); err == nil {
			t.Errorf("decodeRecord of the first %d of %d bytes = nil error", n, len(good))
		}
	}
	huge := []byte{formatBinary1, 0xff, 0xff, 0xff, 0xff, 0x0f} // key length 2^32-1
	tests := []struct {
		name string
		v    []byte
		want string // in the error
	}{
		{"empty", nil, "empty value: not a stored record"},
		{"unknown format", []byte{0x03, 0}, "unknown format byte 0x03: not a stored record"},
		{"not JSON", []byte("{not json"), "invalid character"},
		{"length beyond the end", huge, "key at byte 1: length 4294967295 exceeds the 0 bytes left"},
		{"varint overflow", []byte{formatBinary1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, "key at byte 1: varint overflows"},
		{"trailing bytes", append(bytes.Clone(good), 0), "1 bytes after the last field"},
		{"bad bool", func() []byte {
			v, _ := encodeRecord(Record{})
			// Record{}: key, location (4 bytes), first seen, 6 inviter
			// strings, two absent pointers, note, then default_note.
			v[1+1+4+1+6+2+1] = 7
			return v
		}(), "inviter.default_note at byte 16: bool byte 0x07"},
		{"count beyond the end", func() []byte {
			v, _ := encodeRecord(Record{})
			// The log's length, then reminder_of's (0), last.
			i := len(v) - 2
			return append(v[:i], 0xff, 0xff, 0xff, 0x7f)
		}(), "log at byte"},
	}
	for _, tc := range tests {
		_, err := decodeRecord(acct, tc.v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: decodeRecord(%.40q) = %v, want an error with %q", tc.name, tc.v, err, tc.want)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	for _, r := range []Record{{}, fixtureRecord(), sampleRecord(0)} {
		if v, err := encodeRecord(r); err == nil {
			f.Add(v)
		}
		if v, err := encodeRecordJSON(r); err == nil {
			f.Add(v)
		}
	}
	if v, err := os.ReadFile(filepath.Join("testdata", "record-json.json")); err == nil {
		f.Add(v)
	}
	f.Add([]byte{formatBinary1})
	f.Add([]byte{formatBinary2})
	f.Fuzz(func(t *testing.T, v []byte) {
		r, err := decodeRecord(acct, v)
		// A brief decoding, as a listing's, reads and checks every byte
		// too, and gives the same record without BriefFields.
		brief, berr := decodeRecordIn(acct, v, newListingArena(), true)
		if (err == nil) != (berr == nil) {
			t.Fatalf("decodeRecord(%q) = %v, brief = %v", v, err, berr)
		}
		if err != nil {
			return
		}
		if want := briefOf(t, r); v[0] != '{' && !reflect.DeepEqual(brief, want) {
			t.Fatalf("brief decoding of %q differs: %v", v, fieldDiff(reflect.ValueOf(brief), reflect.ValueOf(want), "Record"))
		}
		enc, err := encodeRecord(r)
		if err != nil {
			t.Fatalf("encodeRecord of a decoded record = %v", err)
		}
		r2, err := decodeRecord(acct, enc)
		if err != nil {
			t.Fatalf("decodeRecord(encodeRecord(decodeRecord(%q))) = %v", v, err)
		}
		// A binary value decodes to exactly what was encoded; a JSON one
		// may have read "+00:00" as time.Local, which the binary format
		// keeps as UTC, the same instant and offset.
		if (v[0] != '{' && !reflect.DeepEqual(r2, r)) || !sameInstants(r2, r) {
			t.Fatalf("decode(encode(decode(%q))) differs: %v", v, fieldDiff(reflect.ValueOf(r2), reflect.ValueOf(r), "Record"))
		}
		if enc2, err := encodeRecord(r2); err != nil || !bytes.Equal(enc2, enc) {
			t.Fatalf("encoding is not stable: %x then %x (%v)", enc, enc2, err)
		}
	})
}

func BenchmarkDecodeRecord(b *testing.B) {
	r := sampleRecord(42)
	js, err := encodeRecordJSON(r)
	if err != nil {
		b.Fatal(err)
	}
	bin, err := encodeRecord(r)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		v    []byte
	}{{"json", js}, {"binary", bin}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.v)))
			for b.Loop() {
				if _, err := decodeRecord(acct, bc.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkEncodeRecord(b *testing.B) {
	r := sampleRecord(42)
	for _, bc := range []struct {
		name string
		enc  func(Record) ([]byte, error)
	}{{"json", encodeRecordJSON}, {"binary", encodeRecord}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.enc(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
