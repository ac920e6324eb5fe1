// Package policy scores LinkedIn invitations against the user's acceptance
// policy and explains every point of the score. It is pure: no I/O, no
// network, the same Invitation and Policy always give the same Decision.
package policy

import (
	"fmt"
	"strings"
)

// Verdict is the suggested action for an invitation.
type Verdict int

const (
	Clarify Verdict = iota // ask the inviter what the connection is for
	Accept
	Ignore
	// Suspicious marks a forged or look-alike invitation; it overrides every
	// rule, known contacts included. Set by authenticity checks.
	Suspicious
)

var verdictNames = [...]string{Clarify: "clarify", Accept: "accept", Ignore: "ignore", Suspicious: "suspicious"}

func (v Verdict) String() string {
	if v < 0 || int(v) >= len(verdictNames) {
		return fmt.Sprintf("Verdict(%d)", int(v))
	}
	return verdictNames[v]
}

// MarshalText writes the verdict's name, as JSON and TOML show it.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads a verdict's name.
func (v *Verdict) UnmarshalText(b []byte) error {
	s := strings.ToLower(strings.TrimSpace(string(b)))
	for i, n := range verdictNames {
		if n == s {
			*v = Verdict(i)
			return nil
		}
	}
	return fmt.Errorf("unknown verdict %q (want accept, ignore, clarify or suspicious)", s)
}

// NoteClass is what kind of note came with an invitation.
type NoteClass int

const (
	NoteNone         NoteClass = iota // no note at all
	NoteDefault                       // LinkedIn's stock text
	NoteGeneric                       // could have been sent to anyone
	NotePersonalised                  // names something specific to the recipient
	NotePitch                         // a sales offer
)

var noteClassNames = [...]string{NoteNone: "none", NoteDefault: "default", NoteGeneric: "generic", NotePersonalised: "personalised", NotePitch: "pitch"}

func (c NoteClass) String() string {
	if c < 0 || int(c) >= len(noteClassNames) {
		return fmt.Sprintf("NoteClass(%d)", int(c))
	}
	return noteClassNames[c]
}

// MarshalText writes the class's name.
func (c NoteClass) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a class's name.
func (c *NoteClass) UnmarshalText(b []byte) error {
	// The names as MarshalText writes them, without an allocation: the
	// state store reads one per listed record.
	for i, n := range noteClassNames {
		if n == string(b) {
			*c = NoteClass(i)
			return nil
		}
	}
	s := strings.ToLower(strings.TrimSpace(string(b)))
	for i, n := range noteClassNames {
		if n == s {
			*c = NoteClass(i)
			return nil
		}
	}
	return fmt.Errorf("unknown note class %q", s)
}

// Reason is one rule's contribution to a score.
type Reason struct {
	Rule   string `json:"rule"`   // stable rule name, e.g. "note.pitch", "mutual", or a user rule's name
	Points int    `json:"points"` // may be 0 for rules that only explain (e.g. unknown connection count)
	Why    string `json:"why"`    // one human sentence
}

// Decision is the policy's suggestion for one invitation, with its reasons.
type Decision struct {
	Score     int
	Verdict   Verdict
	Reasons   []Reason
	NoteClass NoteClass
	// NoteEvidence is what made the note personalised, generic or a pitch
	// (the phrase or the [me] term it matched); empty for none/default.
	NoteEvidence string
	LION         bool // LION / open-networker markers found
	Known        bool // a known contact: accepted whatever the score
}
