// Package inbox finds LinkedIn invitation notification emails and turns each
// one into Invitations: it reads raw RFC 5322 messages from files, Maildir
// folders, mbox files and (later) IMAP mailboxes, and parses them without any
// network access.
package inbox

import (
	"errors"
	"time"
)

// MaxMessageSize is the largest message Parse reads; larger ones are refused
// with ErrTooLarge without being read in full.
const MaxMessageSize = 10 << 20

var (
	// ErrNotInvitation reports a message that is readable but is not a
	// LinkedIn invitation (an acceptance notice, a newsletter, other mail).
	ErrNotInvitation = errors.New("not a LinkedIn invitation")
	// ErrTooLarge reports a message over MaxMessageSize.
	ErrTooLarge = errors.New("message is larger than 10 MiB")
)

// Message is one parsed notification email. Parse fills the header fields
// it could read even when it returns an error, so callers can still say
// which message failed.
type Message struct {
	MessageID string    // without angle brackets
	Date      time.Time // zero when the Date header is missing or bad
	Subject   string    // decoded
	From      string    // sender address, lower case
	FromName  string    // sender display name, decoded
	Template  string    // X-LinkedIn-Template, or the template inferred from the body
	// Invitations holds one entry per invitation in the message: one for
	// single and reminder mails, several for digests.
	Invitations []Invitation
}

// Invitation is one LinkedIn connection request as the notification email
// shows it. Fields the email does not carry stay empty (strings) or nil
// (numbers): nothing is guessed.
type Invitation struct {
	Name      string // inviter's full name
	FirstName string
	Headline  string // as shown, possibly truncated with "…"
	Title     string // from "Title at/@/from Company" headlines
	Company   string
	Location  string

	// Note is the text the inviter sent with the invitation; empty when none.
	// When the inviter kept LinkedIn's stock text, Note holds that text and
	// DefaultNote is true.
	Note        string
	DefaultNote bool

	// MutualConnections is "N connections in common"; nil when the email
	// does not say.
	MutualConnections *int
	// Connections is the inviter's own connection count; the emails never
	// carry it, so it is nil unless another source supplies it.
	Connections *int

	ProfileURL   string // cleaned: https://www.linkedin.com/in/<vanity>/ or .../profile/view?id=<id>
	InvitationID string // the invitationId of the accept link
	// AcceptURL is the one-click accept link. It carries login-like tokens:
	// show it to the user on request, never log it, never fetch it.
	AcceptURL string
	Reminder  bool // a "... is waiting for your response" reminder

	MessageID string    // of the email it came from, without angle brackets
	Date      time.Time // of the email it came from
	Recipient string    // the recipient's name as the email addresses them
}
