// Package report turns parsed notification emails into the records triage
// prints, one per invitation, per message that is not an invitation and per
// message that could not be read, and writes them for people (Human) or for
// scripts (JSON lines).
//
// The JSON form is a public format: scripts rely on its field names. The
// accept link is never part of it, since it carries login-like tokens.
package report

import (
	"errors"
	"time"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

// Kind says what a record is about.
type Kind string

const (
	KindInvitation    Kind = "invitation"     // one invitation, with its decision
	KindNotInvitation Kind = "not_invitation" // a readable message that is not an invitation
	KindError         Kind = "error"          // a message that could not be read
)

// Entry is one record of triage's output. Fields that only invitations
// have live in *Assessment, which is nil for the other kinds, so their JSON
// carries no misleading score or verdict.
type Entry struct {
	// Source says where the message came from: a file path, "path#N" for
	// the Nth message of an mbox, or an imap:// URL.
	Source    string    `json:"source"`
	MessageID string    `json:"message_id,omitempty"`
	Date      time.Time `json:"date,omitzero"` // RFC 3339; omitted when the message has no usable date
	Kind      Kind      `json:"kind"`
	// Error is the problem with the message, for KindError.
	Error string `json:"error,omitempty"`
	// Subject is the decoded subject, for KindNotInvitation.
	Subject string `json:"subject,omitempty"`

	*Assessment

	// ReminderOf is set by sweeps on the line of a reminder filed as its
	// invitation was decided (see README: a reminder's own line, not a
	// decision): the message_id of the invitation's line. Omitted
	// otherwise.
	ReminderOf string `json:"reminder_of,omitempty"`

	// Set by sweeps only; omitted otherwise.
	New     *bool    `json:"new,omitempty"`     // decided by this sweep (false: carried over)
	Actions []string `json:"actions,omitempty"` // e.g. "keyword $Triage_clarify", "move LinkedIn/Ignore"
	Applied *bool    `json:"applied,omitempty"` // true once the actions were carried out
}

// Assessment is an invitation and the policy's decision on it.
type Assessment struct {
	Inviter      Inviter          `json:"inviter"`
	Note         string           `json:"note"`
	NoteClass    policy.NoteClass `json:"note_class"`
	LION         bool             `json:"lion"`
	Reminder     bool             `json:"reminder"`
	InvitationID string           `json:"invitation_id"`
	Score        int              `json:"score"`
	Verdict      policy.Verdict   `json:"verdict"`
	Reasons      []policy.Reason  `json:"reasons"`
	// Draft is the body of the clarification reply; null unless the
	// verdict is clarify.
	Draft *string `json:"draft"`
}

// Inviter is who sent the invitation. Unknown numbers are nil (JSON null),
// never zero.
type Inviter struct {
	Name              string `json:"name"`
	FirstName         string `json:"first_name"`
	Headline          string `json:"headline"`
	Title             string `json:"title"`
	Company           string `json:"company"`
	Location          string `json:"location"`
	ProfileURL        string `json:"profile_url"`
	Connections       *int   `json:"connections"`
	MutualConnections *int   `json:"mutual_connections"`
}

// Decider scores an invitation; *policy.Policy is one.
type Decider interface {
	Decide(inv inbox.Invitation) policy.Decision
}

// Drafter drafts clarification replies; *reply.Drafter is one.
type Drafter interface {
	Draft(inv inbox.Invitation, dec policy.Decision) (reply.Draft, bool)
}

// Assess turns the result of parsing one message (inbox.Parse's message
// and error) into records: one per invitation, or a single not_invitation
// or error record. The drafter may be nil, in which case no drafts are made.
func Assess(source string, msg inbox.Message, err error, p Decider, d Drafter) []Entry {
	base := Entry{Source: source, MessageID: msg.MessageID, Date: msg.Date}
	switch {
	case errors.Is(err, inbox.ErrNotInvitation):
		base.Kind, base.Subject = KindNotInvitation, msg.Subject
		return []Entry{base}
	case err != nil:
		base.Kind, base.Error = KindError, err.Error()
		return []Entry{base}
	case len(msg.Invitations) == 0:
		base.Kind, base.Subject = KindNotInvitation, msg.Subject
		return []Entry{base}
	}
	out := make([]Entry, 0, len(msg.Invitations))
	for _, inv := range msg.Invitations {
		e := base
		if inv.MessageID != "" {
			e.MessageID = inv.MessageID
		}
		if !inv.Date.IsZero() {
			e.Date = inv.Date
		}
		e.Kind = KindInvitation
		e.Assessment = Assessed(inv, p.Decide(inv), d)
		out = append(out, e)
	}
	return out
}

// Assessed builds the Assessment of an invitation from its decision,
// drafting a reply when the verdict is clarify and d is not nil.
func Assessed(inv inbox.Invitation, dec policy.Decision, d Drafter) *Assessment {
	a := &Assessment{
		Inviter: Inviter{
			Name:              inv.Name,
			FirstName:         inv.FirstName,
			Headline:          inv.Headline,
			Title:             inv.Title,
			Company:           inv.Company,
			Location:          inv.Location,
			ProfileURL:        inv.ProfileURL,
			Connections:       inv.Connections,
			MutualConnections: inv.MutualConnections,
		},
		Note:         inv.Note,
		NoteClass:    dec.NoteClass,
		LION:         dec.LION,
		Reminder:     inv.Reminder,
		InvitationID: inv.InvitationID,
		Score:        dec.Score,
		Verdict:      dec.Verdict,
		Reasons:      dec.Reasons,
	}
	if a.Reasons == nil {
		a.Reasons = []policy.Reason{}
	}
	if d != nil {
		if dr, ok := d.Draft(inv, dec); ok {
			a.Draft = &dr.Body
		}
	}
	return a
}

// Tally counts records by kind and verdict.
type Tally struct {
	Invitations   int
	Verdicts      map[policy.Verdict]int
	NotInvitation int
	Errors        int
}

// Add counts one record.
func (t *Tally) Add(e Entry) {
	switch e.Kind {
	case KindInvitation:
		t.Invitations++
		if t.Verdicts == nil {
			t.Verdicts = make(map[policy.Verdict]int)
		}
		if e.Assessment != nil {
			t.Verdicts[e.Verdict]++
		}
	case KindNotInvitation:
		t.NotInvitation++
	case KindError:
		t.Errors++
	}
}
