package report

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// This file writes an Entry as JSON by hand, without reflection.
//
// Why: a dry `triage sweep --json` lists every pending entry (up to about
// 10,000) and must finish in under 50 ms. encoding/json's Encoder, which
// walks Entry by reflection, measured about 3.6 µs and 4 allocations per
// invitation record: most of that budget on its own. appendEntry writes
// the same line about five times faster and without allocating (see
// BenchmarkJSONWrite).
//
// The output must stay byte for byte what
//
//	enc := json.NewEncoder(w)
//	enc.SetEscapeHTML(false)
//	enc.Encode(e)
//
// writes, for every Entry: the JSON form is a public format, and the json
// tags on Entry, Assessment, Inviter and policy.Reason remain its
// definition. TestAppendEntryMatchesFixtures, TestAppendEntryEdgeCases and
// FuzzEntryJSON compare the two; TestAppendEntryKnowsEveryField fails when
// one of those types gains a field that appendEntry does not write yet.

// appendEntry appends e as one JSON line (with its trailing newline) to b.
// ok is false, and the result must be ignored, when encoding/json would
// fail on e: when its date's year is outside [0,9999] or its zone offset
// is 24 hours or more. The caller then uses encoding/json itself, so such
// entries keep failing exactly as they used to.
func appendEntry(b []byte, e *Entry) (_ []byte, ok bool) {
	if b, ok = appendHead(b, e); !ok {
		return b, false
	}
	return appendTail(b, e), true
}

// appendHead appends the start of e's line: every field before New, with
// the opening brace and without the closing one. ok is as appendEntry's.
func appendHead(b []byte, e *Entry) (_ []byte, ok bool) {
	b = append(b, `{"source":`...)
	b = appendString(b, e.Source)
	if e.MessageID != "" {
		b = append(b, `,"message_id":`...)
		b = appendString(b, e.MessageID)
	}
	if !e.Date.IsZero() { // omitzero uses time.Time's IsZero method
		b = append(b, `,"date":"`...)
		n := len(b)
		b = e.Date.AppendFormat(b, time.RFC3339Nano)
		if !strictRFC3339(b[n:]) {
			return b, false
		}
		b = append(b, '"')
	}
	b = append(b, `,"kind":`...)
	b = appendString(b, string(e.Kind))
	if e.Error != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, e.Error)
	}
	if e.Subject != "" {
		b = append(b, `,"subject":`...)
		b = appendString(b, e.Subject)
	}
	// The fields of the embedded *Assessment take its place in the field
	// order; a nil Assessment contributes nothing.
	if a := e.Assessment; a != nil {
		b = appendAssessment(b, a)
	}
	if e.ReminderOf != "" {
		b = append(b, `,"reminder_of":`...)
		b = appendString(b, e.ReminderOf)
	}
	return b, true
}

// appendTail appends the rest of e's line after its head: the sweep's
// fields, the closing brace and the newline.
func appendTail(b []byte, e *Entry) []byte {
	if e.New != nil {
		b = append(b, `,"new":`...)
		b = strconv.AppendBool(b, *e.New)
	}
	if len(e.Actions) > 0 { // omitempty: nil and empty are both left out
		b = append(b, `,"actions":[`...)
		for i, s := range e.Actions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		b = append(b, ']')
	}
	if e.Applied != nil {
		b = append(b, `,"applied":`...)
		b = strconv.AppendBool(b, *e.Applied)
	}
	return append(b, "}\n"...)
}

// AppendHead appends the head of e's JSON line to dst: its opening brace
// and every field before the sweep's (New, Actions, Applied), exactly as
// JSON.Write writes them. ok is false when e cannot be written so (a date
// beyond year 9999: see JSON.Write); dst's new content is then garbage.
//
// A head depends on nothing but the entry's own fields before New, so a
// caller may keep it and later make the entry's line from it with
// AppendTail: that is how a dry sweep lists thousands of pending
// invitations without building each entry again.
func AppendHead(dst []byte, e *Entry) (_ []byte, ok bool) { return appendHead(dst, e) }

// AppendTail appends the rest of e's JSON line after its head (see
// AppendHead): the sweep's fields, the closing brace and the newline.
// Only e's sweep fields are read.
func AppendTail(dst []byte, e *Entry) []byte { return appendTail(dst, e) }

// appendAssessment appends the fields of a, each preceded by a comma.
func appendAssessment(b []byte, a *Assessment) []byte {
	in := &a.Inviter
	b = append(b, `,"inviter":{"name":`...)
	b = appendString(b, in.Name)
	b = append(b, `,"first_name":`...)
	b = appendString(b, in.FirstName)
	b = append(b, `,"headline":`...)
	b = appendString(b, in.Headline)
	b = append(b, `,"title":`...)
	b = appendString(b, in.Title)
	b = append(b, `,"company":`...)
	b = appendString(b, in.Company)
	b = append(b, `,"location":`...)
	b = appendString(b, in.Location)
	b = append(b, `,"profile_url":`...)
	b = appendString(b, in.ProfileURL)
	b = append(b, `,"connections":`...)
	b = appendIntPtr(b, in.Connections)
	b = append(b, `,"mutual_connections":`...)
	b = appendIntPtr(b, in.MutualConnections)
	b = append(b, `},"note":`...)
	b = appendString(b, a.Note)

	// Verdict and NoteClass are encoding.TextMarshalers: encoding/json
	// writes their text as a string, so out-of-range values appear as
	// "NoteClass(9)". Their MarshalText is their String as bytes; calling
	// String directly saves an allocation each.
	b = append(b, `,"note_class":`...)
	b = appendString(b, a.NoteClass.String())
	b = append(b, `,"lion":`...)
	b = strconv.AppendBool(b, a.LION)
	b = append(b, `,"reminder":`...)
	b = strconv.AppendBool(b, a.Reminder)
	b = append(b, `,"invitation_id":`...)
	b = appendString(b, a.InvitationID)
	b = append(b, `,"score":`...)
	b = strconv.AppendInt(b, int64(a.Score), 10)

	b = append(b, `,"verdict":`...)
	b = appendString(b, a.Verdict.String())

	// No omitempty: a nil list is null, an empty one [].
	b = append(b, `,"reasons":`...)
	if a.Reasons == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range a.Reasons {
			r := &a.Reasons[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"rule":`...)
			b = appendString(b, r.Rule)
			b = append(b, `,"points":`...)
			b = strconv.AppendInt(b, int64(r.Points), 10)
			b = append(b, `,"why":`...)
			b = appendString(b, r.Why)
			b = append(b, '}')
		}
		b = append(b, ']')
	}

	b = append(b, `,"draft":`...)
	if a.Draft == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(b, *a.Draft)
	}
	return b
}

func appendIntPtr(b []byte, n *int) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*n), 10)
}

// strictRFC3339 reports whether s, a time formatted with RFC3339Nano, is
// one that time.Time.MarshalJSON accepts: a year of exactly four digits
// and a zone offset under 24 hours. These are the checks MarshalJSON makes
// on the same text before failing with "year outside of range [0,9999]" or
// "timezone hour outside of range [0,23]".
func strictRFC3339(s []byte) bool {
	if len(s) < len("2006-01-02T15:04:05Z") || s[len("2006")] != '-' {
		return false
	}
	if s[len(s)-1] == 'Z' {
		return true
	}
	// s ends in ±hh:mm; a digit where the sign belongs means the hours
	// took more than two digits.
	zone := s[len(s)-len("+07:00"):]
	if c := zone[0]; '0' <= c && c <= '9' {
		return false
	}
	hours := 10*int(zone[1]-'0') + int(zone[2]-'0')
	return hours < 24
}

// plainASCII marks the bytes below utf8.RuneSelf that encoding/json copies
// into a string unchanged when HTML escaping is off: everything from space
// on (DEL included) except '"' and '\\'.
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// plainWord reports whether the 8 bytes of x (see load8) are all
// plainASCII, testing them together: most of a record is plain text, and
// a byte at a time was the bulk of appendEntry's cost. It is exact
// (TestPlainWord), though appendString only needs it never to call a byte
// plain that is not.
func plainWord(x uint64) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	// (v - n*ones) &^ v has a high bit set in some byte if and only if a
	// byte of v is below n (for n up to 0x80), so n = 1 finds zero bytes;
	// XOR turns the bytes equal to '"' or '\\' into zero bytes; and the
	// high bits of x itself mark bytes from 0x80 up.
	quote, backslash := x^('"'*ones), x^('\\'*ones)
	special := (x-' '*ones)&^x | (quote-ones)&^quote | (backslash-ones)&^backslash | x
	return special&highs == 0
}

// load8 returns the first 8 bytes of s as a little-endian word (the
// compiler makes this one load).
func load8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// appendString appends s as a JSON string the way encoding/json does with
// SetEscapeHTML(false):
//   - '"' and '\\' get a backslash; \b, \f, \n, \r and \t their short
//     escapes; the other control characters (below 0x20) become \u00XX;
//   - '<', '>', '&' and DEL stay as they are;
//   - U+2028 and U+2029, valid JSON but line ends in JavaScript, become
//     \u2028 and \u2029;
//   - each byte of invalid UTF-8 becomes \ufffd;
//   - every other character is copied unchanged.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0 // s[start:i] is yet to be copied
	for i := 0; i < len(s); {
		for i+8 <= len(s) && plainWord(load8(s[i:])) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
