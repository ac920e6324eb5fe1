package report

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/triagehq/triage/internal/demo"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

// encodingJSON is the reference appendEntry must match: what JSON.Write
// wrote when it was a json.Encoder with HTML escaping off.
func encodingJSON(e Entry) ([]byte, error) {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	err := enc.Encode(e)
	return out.Bytes(), err
}

// checkSame fails t unless appendEntry and JSON.Write write e exactly as
// encoding/json does, or fail as it does.
func checkSame(t *testing.T, name string, e Entry) {
	t.Helper()
	want, wantErr := encodingJSON(e)
	got, ok := appendEntry(nil, &e)
	switch {
	case wantErr != nil && ok:
		t.Errorf("%s: appendEntry = %s, but encoding/json fails: %v", name, got, wantErr)
	case wantErr == nil && !ok:
		t.Errorf("%s: appendEntry refused an entry encoding/json writes as %s", name, want)
	case wantErr == nil && !bytes.Equal(got, want):
		t.Errorf("%s: appendEntry differs from encoding/json\n got: %q\nwant: %q", name, got, want)
	}
	// JSON.Write, fast path or fallback, behaves as the Encoder did.
	var out bytes.Buffer
	err := NewJSON(&out).Write(e)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Errorf("%s: JSON.Write error = %v, want %v", name, err, wantErr)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("%s: JSON.Write wrote %q, want %q", name, out.Bytes(), want)
	}
	if wantErr == nil {
		if err := checkHead(e, want); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// checkHead checks that e's head (AppendHead), kept, then its tail
// (AppendTail of an entry with only the sweep's fields) make want, e's
// line.
func checkHead(e Entry, want []byte) error {
	head, ok := AppendHead([]byte("garbage before"), &e)
	if !ok {
		return fmt.Errorf("AppendHead refused an entry JSON.Write writes as %s", want)
	}
	head = head[len("garbage before"):]
	if !bytes.HasPrefix(want, head) {
		return fmt.Errorf("head %q is not the start of the line %q", head, want)
	}
	line := AppendTail(head, &Entry{New: e.New, Actions: e.Actions, Applied: e.Applied})
	if !bytes.Equal(line, want) {
		return fmt.Errorf("head and tail make %q, want %q", line, want)
	}
	return nil
}

// fixtureEntries assesses every message file of the inbox package's
// testdata (malformed ones included) with the default policy and drafter.
func fixtureEntries(t testing.TB) []Entry {
	p, err := policy.New(policy.Defaults(), policy.Me{Name: "Robin Keller"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := reply.New(reply.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var entries []Entry
	err = filepath.WalkDir("../inbox/testdata", func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".json", ".md":
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		msg, perr := inbox.ParseBytes(data)
		entries = append(entries, Assess(path, msg, perr, p, d)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for raw, err := range demo.Messages() {
		if err != nil {
			t.Fatal(err)
		}
		msg, perr := inbox.Parse(raw.Body)
		entries = append(entries, Assess(raw.Source, msg, perr, p, d)...)
	}
	return entries
}

func TestAppendEntryMatchesFixtures(t *testing.T) {
	entries := fixtureEntries(t)
	kinds := map[Kind]int{}
	yes, no := true, false
	for i, e := range append(entries, sampleEntries()...) {
		kinds[e.Kind]++
		checkSame(t, e.Source, e)
		// The same record as a sweep lists it.
		e.New, e.Applied, e.Actions = &yes, &no, []string{"keyword $Triage_" + string(e.Kind), "move LinkedIn/Ignore"}
		if i%2 == 0 {
			e.New, e.Applied = &no, &yes
		}
		checkSame(t, e.Source+" (sweep)", e)
	}
	if kinds[KindInvitation] < 30 || kinds[KindNotInvitation] == 0 || kinds[KindError] == 0 {
		t.Errorf("fixtures gave %v, want every kind and 30+ invitations", kinds)
	}
}

// oddStrings are the strings whose escaping matters.
var oddStrings = func() []string {
	var every strings.Builder // every ASCII byte, control characters included
	for c := range 0x80 {
		every.WriteByte(byte(c))
	}
	s := []string{
		"", "plain", every.String(),
		`"quoted" \back\slash\\ "`, "<b>&amp;</b> a<b && c>d", "/slash/ 'single'",
		"\b\f\n\r\t\v\x00\x01\x1f\x7f",
		"line\u2028sep\u2029para \u2028\u2029", "\u2027\u202a",
		"Zoë Ångström · 日本語 · 🎉 · \U0010FFFF · \ufffd",
		"bad \xff byte", "\xc3", "cut \xe2\x80", "\xe2\x80\xa8\xe2\x80", "surrogate \xed\xa0\x80",
		"overlong \xc0\xaf", "too big \xf4\x90\x80\x80", "\x80\x80\x80", "ok\xffthen\u2028\"\n",
		strings.Repeat("a long note, ", 500),
	}
	// Each special character alone, and amid plain text on both sides, at
	// every offset within appendString's 8-byte steps.
	for _, special := range []string{"\"", "\\", "\x7f", "\u2028", "\u2029", "é", "\xff", "<&>"} {
		s = append(s, special)
		for n := range 9 {
			s = append(s, "plain text "[:n]+special+"and more plain text")
		}
	}
	for c := range 0x20 {
		s = append(s, string(rune(c)))
		for n := range 9 {
			s = append(s, "plain text "[:n]+string(rune(c))+"and more plain text")
		}
	}
	return s
}()

// full is an invitation record with every field set, whose string fields
// are all str.
func full(str string) Entry {
	yes := true
	return Entry{
		Source: str, MessageID: str, Date: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC),
		Kind: Kind(str), Error: str, Subject: str,
		Assessment: &Assessment{
			Inviter: Inviter{
				Name: str, FirstName: str, Headline: str, Title: str, Company: str,
				Location: str, ProfileURL: str, Connections: intp(500), MutualConnections: intp(0),
			},
			Note: str, NoteClass: policy.NotePitch, LION: true, Reminder: true, InvitationID: str,
			Score: -3, Verdict: policy.Suspicious,
			Reasons: []policy.Reason{{Rule: str, Points: -3, Why: str}, {Rule: str, Why: str}},
			Draft:   strp(str),
		},
		ReminderOf: str,
		New:        &yes, Actions: []string{str, str}, Applied: &yes,
	}
}

func TestAppendEntryEdgeCases(t *testing.T) {
	for _, s := range oddStrings {
		checkSame(t, "strings "+s, full(s))
	}
	for v := range policy.Verdict(5) {
		for c := range policy.NoteClass(6) {
			e := full("text")
			e.Verdict, e.NoteClass = v, c
			checkSame(t, v.String()+" "+c.String(), e)
		}
	}

	type edit func(e *Entry)
	zone := func(name string, offset int) *time.Location { return time.FixedZone(name, offset) }
	date := func(d time.Time) edit { return func(e *Entry) { e.Date = d } }
	tests := map[string]edit{
		"nil assessment":    func(e *Entry) { e.Assessment = nil },
		"error record":      func(e *Entry) { *e = Entry{Source: "x.mbox#2", Kind: KindError, Error: "no body"} },
		"not an invitation": func(e *Entry) { *e = Entry{Source: "x.eml", Kind: KindNotInvitation, Subject: "Hi"} },
		"zero entry":        func(e *Entry) { *e = Entry{} },
		"zero assessment":   func(e *Entry) { e.Assessment = &Assessment{} },
		"nil reasons":       func(e *Entry) { e.Reasons = nil },
		"empty reasons":     func(e *Entry) { e.Reasons = []policy.Reason{} },
		"zero reason":       func(e *Entry) { e.Reasons = []policy.Reason{{}} },
		"nil draft":         func(e *Entry) { e.Draft = nil },
		"empty draft":       func(e *Entry) { e.Draft = strp("") },
		"nil counts":        func(e *Entry) { e.Inviter.Connections, e.Inviter.MutualConnections = nil, nil },
		"extreme ints": func(e *Entry) {
			e.Score, e.Reasons[0].Points = math.MinInt, math.MaxInt
			e.Inviter.Connections, e.Inviter.MutualConnections = intp(math.MaxInt), intp(math.MinInt)
		},
		"nil sweep fields":   func(e *Entry) { e.New, e.Actions, e.Applied = nil, nil, nil },
		"no reminder_of":     func(e *Entry) { e.ReminderOf = "" },
		"reminder_of alone":  func(e *Entry) { *e = Entry{Source: "imap://a/INBOX;UIDVALIDITY=1/;UID=2", ReminderOf: "<i@x>"} },
		"empty actions":      func(e *Entry) { e.Actions = []string{} },
		"one empty action":   func(e *Entry) { e.Actions = []string{""} },
		"false flags":        func(e *Entry) { no := false; e.New, e.Applied, e.LION, e.Reminder = &no, &no, false, false },
		"empty strings":      func(e *Entry) { e.MessageID, e.Error, e.Subject, e.Kind = "", "", "", "" },
		"verdict 9":          func(e *Entry) { e.Verdict = policy.Verdict(9) },
		"verdict -1":         func(e *Entry) { e.Verdict = policy.Verdict(-1) },
		"note class 7":       func(e *Entry) { e.NoteClass = policy.NoteClass(7) },
		"note class min int": func(e *Entry) { e.NoteClass = policy.NoteClass(math.MinInt) },

		"zero date":                date(time.Time{}),
		"zero date in a zone":      date(time.Time{}.In(zone("X", 3600))),
		"unix epoch":               date(time.Unix(0, 0).UTC()),
		"nanoseconds":              date(time.Date(2024, 2, 29, 23, 59, 59, 123456789, time.UTC)),
		"trailing zero nanos":      date(time.Date(2024, 2, 29, 23, 59, 59, 120000000, time.UTC)),
		"one nanosecond":           date(time.Date(2024, 1, 1, 0, 0, 0, 1, time.UTC)),
		"negative offset":          date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("NST", -(3*3600+30*60)))),
		"offset with seconds":      date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("LMT", 3661))),
		"offset 23:59":             date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("", 24*3600-60))),
		"offset -23:59":            date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("", -(24*3600-60)))),
		"offset under a minute":    date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("", 59))),
		"zero-named zone offset 0": date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("CET", 0))),
		"local time with monotonic": func(e *Entry) {
			e.Date = time.Now()
		},
		"year 0":                       date(time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)),
		"year 1 before UTC zero":       date(time.Date(1, 1, 1, 0, 0, 0, 0, zone("", 3600))),
		"year 9999":                    date(time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)),
		"year 10000 (fails)":           date(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)),
		"year 10000 in UTC+1h (fails)": date(time.Date(9999, 12, 31, 23, 30, 0, 0, time.UTC).In(zone("", 3600))),
		"year -1 (fails)":              date(time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)),
		"year -10000 (fails)":          date(time.Date(-10000, 1, 1, 0, 0, 0, 0, time.UTC)),
		"offset 24:00 (fails)":         date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("", 24*3600))),
		"offset -24:00 (fails)":        date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("", -24*3600))),
		"offset 100:00 (fails)":        date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("", 100*3600))),
		"offset -100:30 (fails)":       date(time.Date(2024, 6, 1, 12, 0, 0, 0, zone("", -(100*3600+1800)))),
		"max time (fails)":             date(time.Unix(math.MaxInt64/2, 999999999)),
		"min time (fails)":             date(time.Unix(math.MinInt64/2, 0)),
		"(fails) with an empty record": func(e *Entry) { *e = Entry{Date: time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC)} },
	}
	for name, change := range tests {
		e := full("text")
		change(&e)
		if _, err := encodingJSON(e); (err != nil) != strings.Contains(name, "(fails)") {
			t.Errorf("%s: encoding/json error = %v; the name says whether it should fail", name, err)
		}
		checkSame(t, name, e)
	}
}

// TestAppendEntryKnowsEveryField fails when a field is added to (or
// renamed in) a type appendEntry writes by hand: appendEntry must then
// learn it, and the lists below with it.
func TestAppendEntryKnowsEveryField(t *testing.T) {
	tests := []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeFor[Entry](), `Source string json:"source"; MessageID string json:"message_id,omitempty"; Date time.Time json:"date,omitzero"; Kind report.Kind json:"kind"; Error string json:"error,omitempty"; Subject string json:"subject,omitempty"; Assessment *report.Assessment ; ReminderOf string json:"reminder_of,omitempty"; New *bool json:"new,omitempty"; Actions []string json:"actions,omitempty"; Applied *bool json:"applied,omitempty"`},
		{reflect.TypeFor[Assessment](), `Inviter report.Inviter json:"inviter"; Note string json:"note"; NoteClass policy.NoteClass json:"note_class"; LION bool json:"lion"; Reminder bool json:"reminder"; InvitationID string json:"invitation_id"; Score int json:"score"; Verdict policy.Verdict json:"verdict"; Reasons []policy.Reason json:"reasons"; Draft *string json:"draft"`},
		{reflect.TypeFor[Inviter](), `Name string json:"name"; FirstName string json:"first_name"; Headline string json:"headline"; Title string json:"title"; Company string json:"company"; Location string json:"location"; ProfileURL string json:"profile_url"; Connections *int json:"connections"; MutualConnections *int json:"mutual_connections"`},
		{reflect.TypeFor[policy.Reason](), `Rule string json:"rule"; Points int json:"points"; Why string json:"why"`},
	}
	for _, tt := range tests {
		var fields []string
		for f := range tt.typ.Fields() {
			fields = append(fields, f.Name+" "+f.Type.String()+" "+string(f.Tag))
		}
		if got := strings.Join(fields, "; "); got != tt.want {
			t.Errorf("%v fields changed; update appendEntry, then this list.\n got: %s\nwant: %s", tt.typ, got, tt.want)
		}
	}
	// appendEntry writes these types as plain values, and Verdict and
	// NoteClass by their MarshalText: no method may take precedence.
	jsonMarshaler, textMarshaler := reflect.TypeFor[json.Marshaler](), reflect.TypeFor[encoding.TextMarshaler]()
	for _, typ := range []reflect.Type{
		reflect.TypeFor[Entry](), reflect.TypeFor[Assessment](), reflect.TypeFor[Inviter](),
		reflect.TypeFor[policy.Reason](), reflect.TypeFor[Kind](),
		reflect.TypeFor[policy.Verdict](), reflect.TypeFor[policy.NoteClass](),
	} {
		wantText := typ == reflect.TypeFor[policy.Verdict]() || typ == reflect.TypeFor[policy.NoteClass]()
		for _, typ := range []reflect.Type{typ, reflect.PointerTo(typ)} {
			if typ.Implements(jsonMarshaler) {
				t.Errorf("%v has a MarshalJSON method, which appendEntry ignores", typ)
			}
			if typ.Implements(textMarshaler) != wantText {
				t.Errorf("%v implements encoding.TextMarshaler: %v, appendEntry assumes %v", typ, !wantText, wantText)
			}
		}
	}
}

// TestJSONWriteErrorSticks checks that after a failed write, like the
// Encoder it replaces, JSON writes nothing more and repeats the error.
func TestJSONWriteErrorSticks(t *testing.T) {
	w := &failAfter{n: 1}
	j := NewJSON(w)
	e := sampleEntries()[0]
	if err := j.Write(e); err != nil {
		t.Fatalf("first Write = %v", err)
	}
	if err := j.Write(e); !errors.Is(err, errFull) {
		t.Fatalf("second Write = %v, want %v", err, errFull)
	}
	if err := j.Write(e); !errors.Is(err, errFull) || w.calls != 2 {
		t.Fatalf("third Write = %v after %d writes, want %v without a write", err, w.calls, errFull)
	}
}

var errFull = errors.New("disk full")

type failAfter struct{ n, calls int }

func (w *failAfter) Write(p []byte) (int, error) {
	w.calls++
	if w.calls > w.n {
		return 0, errFull
	}
	return len(p), nil
}

// TestJSONWriteFallbackKeepsGoing checks that a record encoding/json
// refuses is skipped with its error, and the next one still written.
func TestJSONWriteFallbackKeepsGoing(t *testing.T) {
	var out bytes.Buffer
	j := NewJSON(&out)
	bad := Entry{Source: "far.eml", Kind: KindNotInvitation, Date: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := j.Write(bad); err == nil || !strings.Contains(err.Error(), "year outside of range") {
		t.Errorf("Write(year 10000) = %v, want the year range error", err)
	}
	good := sampleEntries()[3]
	if err := j.Write(good); err != nil {
		t.Fatal(err)
	}
	want, _ := encodingJSON(good)
	if out.String() != string(want) {
		t.Errorf("JSON wrote %q, want %q", out.String(), want)
	}
}

// FuzzEntryJSON checks that appendEntry writes what encoding/json writes
// (or fails where it fails), and that its output is one valid JSON line.
func FuzzEntryJSON(f *testing.F) {
	for i, e := range sampleEntries() {
		var note, why, draft string
		if e.Assessment != nil {
			note, why = e.Note, e.Reasons[0].Why
			if e.Draft != nil {
				draft = *e.Draft
			}
		}
		f.Add(e.Source, e.MessageID, string(e.Kind), e.Subject+e.Error, note, why, draft, "keyword $Triage_clarify",
			i-3, 14, int8(i), uint16(i*0x1234), e.Date.Unix(), int64(e.Date.Nanosecond()), 0)
	}
	f.Add("a\u2028b\xff", "<&>", "\x00\x1f\"\\", "\b\f\n\r\t", "Zoë 🎉", "\xed\xa0\x80", "", "",
		math.MinInt, math.MaxInt, int8(-1), uint16(0xffff), int64(-62135596800), int64(999999999), -(3*3600 + 1800))
	// Dates time.Time.MarshalJSON refuses: year 10000, a 24-hour offset.
	f.Add("far", "", "x", "", "", "", "", "", 0, 0, int8(9), uint16(0b110), int64(253402300800), int64(0), 0)
	f.Add("zone", "", "x", "", "", "", "", "", 0, 0, int8(0), uint16(0b110), int64(0), int64(0), 24*3600)

	f.Fuzz(func(t *testing.T, source, messageID, kind, text, note, why, draft, action string,
		score, count int, verdict int8, flags uint16, sec, nsec int64, offset int) {
		flag := func(i uint) bool { return flags&(1<<i) != 0 }
		e := Entry{Source: source, MessageID: messageID, Kind: Kind(kind), Error: text}
		if flag(0) {
			e.Subject, e.Error = text, ""
		}
		if flag(1) {
			e.Date = time.Unix(sec, nsec).In(time.FixedZone("Z", offset))
		}
		if flag(2) {
			e.Assessment = &Assessment{
				Inviter: Inviter{
					Name: note, FirstName: why, Headline: text, Title: source, Company: kind,
					Location: messageID, ProfileURL: action,
				},
				Note: note, NoteClass: policy.NoteClass(verdict / 2), LION: flag(3), Reminder: flag(4),
				InvitationID: messageID, Score: score, Verdict: policy.Verdict(verdict),
			}
			if flag(5) {
				e.Inviter.Connections = &count
			}
			if flag(6) {
				e.Inviter.MutualConnections = &score
			}
			switch {
			case flag(7):
				e.Reasons = []policy.Reason{{Rule: kind, Points: score, Why: why}, {Rule: action, Points: count, Why: text}}
			case flag(8):
				e.Reasons = []policy.Reason{}
			}
			if flag(9) {
				e.Draft = &draft
			}
		}
		if flag(10) {
			b := flag(11)
			e.New = &b
			if flag(3) {
				e.ReminderOf = why
			}
		}
		if flag(12) {
			b := flag(13)
			e.Applied = &b
		}
		switch {
		case flag(14):
			e.Actions = []string{action, draft}
		case flag(15):
			e.Actions = []string{}
		}

		want, wantErr := encodingJSON(e)
		got, ok := appendEntry(nil, &e)
		var out bytes.Buffer
		if err := NewJSON(&out).Write(e); (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() ||
			!bytes.Equal(out.Bytes(), want) {
			t.Fatalf("JSON.Write(%+v) wrote %q, %v; encoding/json %q, %v", e, out.Bytes(), err, want, wantErr)
		}
		if wantErr != nil {
			if ok {
				t.Fatalf("appendEntry(%+v) = %s, but encoding/json fails: %v", e, got, wantErr)
			}
			return
		}
		if !ok {
			t.Fatalf("appendEntry(%+v) refused an entry encoding/json writes as %s", e, want)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("appendEntry(%+v) differs from encoding/json\n got: %q\nwant: %q", e, got, want)
		}
		if !json.Valid(got) || bytes.IndexByte(got, '\n') != len(got)-1 {
			t.Fatalf("appendEntry(%+v) = %q, not one valid JSON line", e, got)
		}
		if err := checkHead(e, want); err != nil {
			t.Fatalf("%+v: %v", e, err)
		}
	})
}

// BenchmarkJSONWrite compares encoding/json's Encoder, which JSON.Write
// used, with appendEntry, which it uses now, on a clarify record with a
// draft and sweep actions (sampleEntries()[1]) and on every fixture record
// in turn. A dry sweep lists up to 10,000 records within 50 ms, so a
// record should cost about 1 µs.
func BenchmarkJSONWrite(b *testing.B) {
	sets := map[string][]Entry{
		"clarify": sampleEntries()[1:2],
		"fixtures": func() []Entry {
			var inv []Entry
			for _, e := range fixtureEntries(b) {
				if e.Kind == KindInvitation {
					inv = append(inv, e)
				}
			}
			return inv
		}(),
	}
	for _, set := range []string{"clarify", "fixtures"} {
		entries := sets[set]
		b.Run(set+"/encoding-json", func(b *testing.B) {
			enc := json.NewEncoder(io.Discard)
			enc.SetEscapeHTML(false)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := enc.Encode(entries[i%len(entries)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(set+"/append", func(b *testing.B) {
			w := NewJSON(io.Discard)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := w.Write(entries[i%len(entries)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// TestPlainWord checks the 8-byte test of appendString against the byte
// table, for every pair of byte values at every pair of positions in an
// otherwise plain word.
func TestPlainWord(t *testing.T) {
	plain := func(c byte) bool { return c < utf8.RuneSelf && plainASCII[c] }
	w := []byte("~ a!Z#\x7f[")
	for i := range 8 {
		for j := i + 1; j < 8; j++ {
			for c := range 256 {
				for d := range 256 {
					w2 := [8]byte(w)
					w2[i], w2[j] = byte(c), byte(d)
					want := plain(byte(c)) && plain(byte(d))
					if got := plainWord(load8(string(w2[:]))); got != want {
						t.Fatalf("plainWord(%q) = %v, want %v", w2, got, want)
					}
				}
			}
		}
	}
}
