package state

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

// Location is where a message was found.
type Location struct {
	Mailbox     string `json:"mailbox"`
	UIDValidity uint32 `json:"uidvalidity"`
	UID         uint32 `json:"uid"`
	MessageID   string `json:"message_id"` // without angle brackets
}

// Secret is a string that must never reach a log or an output by accident,
// such as LinkedIn's one-click accept link with its login-like tokens.
// Every fmt verb, slog and every text or JSON encoder see "[redacted]";
// Reveal returns the value for the one place that deliberately shows it.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// Format writes String for every verb, so %v, %s, %q, %x and %#v of a
// struct holding a Secret do not show it.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue keeps the secret out of log/slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps the secret out of JSON, TOML and other text encodings.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Inviter is what a record keeps of an invitation for later display
// (review, list): enough to recognise the person and decide, without the
// message at hand.
type Inviter struct {
	Name              string `json:"name"`
	FirstName         string `json:"first_name,omitempty"`
	Headline          string `json:"headline,omitempty"`
	Title             string `json:"title,omitempty"`
	Company           string `json:"company,omitempty"`
	Location          string `json:"location,omitempty"`
	Connections       *int   `json:"connections,omitempty"`
	MutualConnections *int   `json:"mutual_connections,omitempty"`
	Note              string `json:"note,omitempty"`
	DefaultNote       bool   `json:"default_note,omitempty"`
	ProfileURL        string `json:"profile_url,omitempty"` // cleaned, no tokens
	InvitationID      string `json:"invitation_id,omitempty"`
	// AcceptURL is kept so the user can still accept once the email is
	// moved or deleted; it is a Secret, so it never lands in logs or
	// outputs unless revealed on purpose. On disk it is in the clear, in an
	// owner-only file in an owner-only directory.
	AcceptURL Secret    `json:"-"`
	Date      time.Time `json:"date,omitzero"` // of the email
}

// Review is the user's own decision on an invitation, set by a review
// command; it takes the place of the suggestion.
type Review struct {
	Verdict   policy.Verdict `json:"verdict"`
	DecidedAt time.Time      `json:"decided_at"`
	Note      string         `json:"note,omitempty"`
	// Draft is the user's edited reply; nil keeps the suggested one.
	Draft *reply.Draft `json:"draft,omitempty"`
}

// ActionState is how far the actions on a record's message got.
type ActionState string

const (
	// Pending: decided, nothing done on the server yet.
	Pending ActionState = "pending"
	// Intent: the actions were recorded as about to be carried out; the
	// run that did so has not confirmed them (yet, or it crashed).
	Intent ActionState = "intent"
	// Done: the actions were carried out.
	Done ActionState = "done"
	// Skipped: the message was gone when the actions were due; not retried.
	Skipped ActionState = "skipped"
)

// Action is the state of the actions on a record's message.
type Action struct {
	State ActionState `json:"state"`
	// Planned is the list of actions recorded with the intent, such as
	// "keyword $Triage_clarify" or "move LinkedIn/Ignore".
	Planned []string `json:"planned,omitempty"`
	// Target is the message's location when the intent was recorded.
	Target   *Location `json:"target,omitempty"`
	IntentAt time.Time `json:"intent_at,omitzero"`
	DoneAt   time.Time `json:"done_at,omitzero"`
	Note     string    `json:"note,omitempty"` // why it was skipped
}

// Event is one entry of a record's history.
type Event struct {
	At     time.Time `json:"at"`
	What   string    `json:"what"` // decided, reminder, relocated, intent, done, skipped, review
	Detail string    `json:"detail,omitempty"`
}

// Sighting is a later message that carried an invitation already
// recorded: a reminder, or a digest repeating it.
type Sighting struct {
	Location Location  `json:"location"`
	SeenAt   time.Time `json:"seen_at"`
	Reminder bool      `json:"reminder"`
}

// Record is everything the store knows of one invitation.
type Record struct {
	// Key is "inv:<LinkedIn invitation ID>", else "msg:<Message-ID>" (see
	// KeyOf).
	Key     string `json:"key"`
	Account string `json:"-"` // filled on read
	// Location is the message the decision was made on; it is updated
	// when the message is found again at another UID before it is acted on.
	Location  Location  `json:"location"`
	FirstSeen time.Time `json:"first_seen"`
	Inviter   Inviter   `json:"inviter"`
	// FromReminder is set when the message the record was made from was a
	// reminder (the original invitation email was never seen), and on
	// every reminder's record (see FileReminder).
	FromReminder bool `json:"from_reminder,omitempty"`
	// ReminderOf is, on a reminder's record (see FileReminder), the
	// Message-ID of the message its invitation was recorded from (its
	// source, inbox.Source, when it had none); empty on an invitation's
	// record.
	ReminderOf string `json:"reminder_of,omitempty"`

	// The policy's suggestion, as decided the first time.
	Suggested    policy.Verdict  `json:"suggested"`
	Score        int             `json:"score"`
	NoteClass    string          `json:"note_class"` // policy.NoteClass's name
	NoteEvidence string          `json:"note_evidence,omitempty"`
	Reasons      []policy.Reason `json:"reasons"`
	Known        bool            `json:"known,omitempty"`
	LION         bool            `json:"lion,omitempty"`
	Draft        *reply.Draft    `json:"draft,omitempty"`

	// Later messages carrying the same invitation; never a second decision.
	Reminders []Sighting `json:"reminders,omitempty"`
	// Review is the user's decision; nil until a review sets it.
	Review *Review `json:"review,omitempty"`
	Action Action  `json:"action"`
	Log    []Event `json:"log"`
}

// EffectiveVerdict is the verdict to act on: the user's review when there
// is one, else the suggestion.
func (r Record) EffectiveVerdict() policy.Verdict {
	if r.Review != nil {
		return r.Review.Verdict
	}
	return r.Suggested
}

// EffectiveDraft is the reply to show: the user's edit when there is one,
// else the suggested draft (nil when none).
func (r Record) EffectiveDraft() *reply.Draft {
	if r.Review != nil && r.Review.Draft != nil {
		return r.Review.Draft
	}
	return r.Draft
}

// KeyOf returns the record key of the n-th (from 0) invitation of a
// message: "inv:<invitation ID>" when the email carries one, else
// "msg:<Message-ID>", with "#<n+1>" added for the second and later
// invitations of a digest. It returns "" when the email has neither.
func KeyOf(inv inbox.Invitation, n int) string {
	switch {
	case inv.InvitationID != "":
		return "inv:" + inv.InvitationID
	case inv.MessageID == "":
		return ""
	case n > 0:
		return "msg:" + inv.MessageID + "#" + strconv.Itoa(n+1)
	default:
		return "msg:" + inv.MessageID
	}
}

// NewRecord makes the record of the n-th invitation of the message at loc,
// decided as d, with the suggested draft (nil when none), first seen at
// now. Its action is pending.
func NewRecord(inv inbox.Invitation, n int, d policy.Decision, draft *reply.Draft, loc Location, now time.Time) Record {
	if loc.MessageID == "" {
		loc.MessageID = inv.MessageID
	}
	return Record{
		Key:          KeyOf(inv, n),
		Location:     loc,
		FirstSeen:    now.UTC(),
		FromReminder: inv.Reminder,
		Inviter: Inviter{
			Name:              inv.Name,
			FirstName:         inv.FirstName,
			Headline:          inv.Headline,
			Title:             inv.Title,
			Company:           inv.Company,
			Location:          inv.Location,
			Connections:       inv.Connections,
			MutualConnections: inv.MutualConnections,
			Note:              inv.Note,
			DefaultNote:       inv.DefaultNote,
			ProfileURL:        inv.ProfileURL,
			InvitationID:      inv.InvitationID,
			AcceptURL:         Secret(inv.AcceptURL),
			Date:              inv.Date,
		},
		Suggested:    d.Verdict,
		Score:        d.Score,
		NoteClass:    d.NoteClass.String(),
		NoteEvidence: d.NoteEvidence,
		Reasons:      d.Reasons,
		Known:        d.Known,
		LION:         d.LION,
		Draft:        draft,
		Action:       Action{State: Pending},
	}
}

// diskRecord is a Record as stored in JSON before the binary format (see
// codec.go): the accept link, which Record keeps out of every encoding, is
// stored in the clear in the owner-only file.
type diskRecord struct {
	Record
	AcceptURL string `json:"accept_url,omitempty"`
}

// encodeRecord and decodeRecord are in codec.go.

// PutResult says what Put did with a record.
type PutResult int

const (
	// Added: a new invitation, recorded with a pending action.
	Added PutResult = iota
	// Reminded: a later message for a recorded invitation, noted on it;
	// the decision is unchanged.
	Reminded
	// Unchanged: this message was already recorded (a rescan).
	Unchanged
)

var putResultNames = [...]string{Added: "added", Reminded: "reminded", Unchanged: "unchanged"}

func (p PutResult) String() string {
	if p < 0 || int(p) >= len(putResultNames) {
		return fmt.Sprintf("PutResult(%d)", int(p))
	}
	return putResultNames[p]
}

// Put records a decided invitation for account and returns the stored
// record (the earlier one, for a reminder) and what happened:
//   - a new key is Added with a pending action;
//   - a key already recorded from another message is Reminded: the message
//     is added to Reminders, and the decision, review and action stay;
//   - a key already recorded from this message is Unchanged, except that a
//     record not yet acted on follows the message to a new UID.
//
// An email that lacks the invitation ID (so its key is a msg: one) is
// matched to an invitation already recorded from the same profile URL, so
// an ID-less reminder makes no second decision either. Put also
// clears a parse error recorded for the same location.
func (t *Tx) Put(account string, r Record) (Record, PutResult, error) {
	if r.Key == "" {
		return r, 0, fmt.Errorf("message %s uid %d: neither an invitation ID nor a Message-ID to record it by", r.Location.Mailbox, r.Location.UID)
	}
	// NUL ends the Message-ID in the index's keys, so a new one may not
	// hold it (inbox drops control characters from Message-IDs). A record
	// an older triage stored with one is still saved when it changes.
	if strings.IndexByte(r.Location.MessageID, 0) >= 0 {
		return r, 0, fmt.Errorf("message %s uid %d: Message-ID %q holds a NUL byte", r.Location.Mailbox, r.Location.UID, r.Location.MessageID)
	}
	acct, err := t.account(account, true)
	if err != nil {
		return r, 0, err
	}
	now := t.s.now().UTC()
	if err := t.clearError(acct, r.Location); err != nil {
		return r, 0, err
	}
	old, err := t.get(acct, account, r.Key)
	if errors.Is(err, ErrNotFound) && r.Inviter.InvitationID == "" && r.Inviter.ProfileURL != "" {
		// An ID-less reminder: find the invitation by who sent it.
		if k := acct.Bucket(bucketProfile).Get([]byte(r.Inviter.ProfileURL)); k != nil {
			old, err = t.get(acct, account, string(k))
		}
	}
	switch {
	case errors.Is(err, ErrNotFound):
		if r.FirstSeen.IsZero() {
			r.FirstSeen = now
		}
		if r.Action.State == "" {
			r.Action.State = Pending
		}
		r.Account = account
		r.Log = append(r.Log, Event{At: now, What: "decided", Detail: fmt.Sprintf("%s (score %d)", r.Suggested, r.Score)})
		return r, Added, t.save(acct, r, "")
	case err != nil:
		return r, 0, err
	}
	mid := r.Location.MessageID
	if mid == "" || SameMessage(old.Location, r.Location) {
		if mid != "" && old.follow(r.Location, now) {
			return old, Unchanged, t.save(acct, old, old.Action.State)
		}
		return old, Unchanged, nil
	}
	for i, s := range old.Reminders {
		if inbox.CleanMessageID(s.Location.MessageID) == inbox.CleanMessageID(mid) {
			if s.Location != r.Location {
				old.Reminders[i].Location = r.Location
				return old, Unchanged, t.save(acct, old, old.Action.State)
			}
			return old, Unchanged, nil
		}
	}
	old.Reminders = append(old.Reminders, Sighting{Location: r.Location, SeenAt: now, Reminder: r.FromReminder})
	old.Log = append(old.Log, Event{At: now, What: "reminder", Detail: mid})
	return old, Reminded, t.save(acct, old, old.Action.State)
}

// Get returns the record of key in account, or ErrNotFound.
func (t *Tx) Get(account, key string) (Record, error) {
	acct, err := t.account(account, false)
	if err != nil {
		return Record{}, err
	}
	if acct == nil {
		return Record{}, fmt.Errorf("account %q record %q: %w", account, key, ErrNotFound)
	}
	return t.get(acct, account, key)
}

func (t *Tx) get(acct bucket, account, key string) (Record, error) {
	return getRecord(acct.Bucket(bucketRec), account, []byte(key))
}

// getRecord reads the record of key from the account's "rec" bucket.
func getRecord(rec bucket, account string, key []byte) (Record, error) {
	v := rec.Get(key)
	if v == nil {
		return Record{}, fmt.Errorf("account %q record %q: %w", account, key, ErrNotFound)
	}
	r, err := decodeRecord(account, v)
	if err != nil {
		return r, fmt.Errorf("account %q record %q: %w", account, key, err)
	}
	return r, nil
}

// save writes r and its indexes. prev is the action state r had in the
// store ("" for a new record), to keep the open index in step.
func (t *Tx) save(acct bucket, r Record, prev ActionState) error {
	v, err := encodeRecord(r)
	if err != nil {
		return fmt.Errorf("record %q: %w", r.Key, err)
	}
	key := []byte(r.Key)
	if err := acct.Bucket(bucketRec).Put(key, v); err != nil {
		return fmt.Errorf("record %q: %w", r.Key, err)
	}
	for _, loc := range r.locations() {
		if loc.MessageID == "" {
			continue
		}
		if err := acct.Bucket(bucketMsgID).Put(msgIDKey(loc.MessageID, r.Key), nil); err != nil {
			return fmt.Errorf("record %q: %w", r.Key, err)
		}
		if err := noteMulti(acct, loc.MessageID); err != nil {
			return fmt.Errorf("record %q: %w", r.Key, err)
		}
	}
	if p := r.Inviter.ProfileURL; p != "" && prev == "" && !r.IsReminder() {
		if err := acct.Bucket(bucketProfile).Put([]byte(p), key); err != nil {
			return fmt.Errorf("record %q: %w", r.Key, err)
		}
	}
	if err := indexOpen(acct, r.Account, r, t.s.lines); err != nil {
		return fmt.Errorf("record %q: %w", r.Key, err)
	}
	return nil
}

func (r Record) locations() []Location {
	locs := []Location{r.Location}
	for _, s := range r.Reminders {
		locs = append(locs, s.Location)
	}
	return locs
}

func msgIDKey(messageID, key string) []byte {
	return append(append([]byte(messageID), 0), key...)
}

// ByMessageID returns the records whose invitation a message carried
// (several for a digest; reminders included).
func (t *Tx) ByMessageID(account, messageID string) ([]Record, error) {
	acct, err := t.account(account, false)
	if err != nil || acct == nil || messageID == "" {
		return nil, err
	}
	prefix := append([]byte(messageID), 0)
	var recs []Record
	c := acct.Bucket(bucketMsgID).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		r, err := t.get(acct, account, string(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// ForEach calls fn with every record of account, in key order, stopping
// at the first error fn returns.
func (t *Tx) ForEach(account string, fn func(Record) error) error {
	acct, err := t.account(account, false)
	if err != nil || acct == nil {
		return err
	}
	mem := newListingArena() // the records' strings share chunks
	return acct.Bucket(bucketRec).ForEach(func(k, v []byte) error {
		r, err := decodeRecordIn(account, v, mem, false)
		if err != nil {
			return fmt.Errorf("account %q record %q: %w", account, k, err)
		}
		return fn(r)
	})
}

// SetReview records the user's decision on a record, replacing an earlier
// one. It does not reopen an action already done or skipped.
func (t *Tx) SetReview(account, key string, rv Review) error {
	acct, r, err := t.mustGet(account, key)
	if err != nil {
		return err
	}
	if rv.DecidedAt.IsZero() {
		rv.DecidedAt = t.s.now().UTC()
	}
	r.Review = &rv
	r.Log = append(r.Log, Event{At: rv.DecidedAt, What: "review", Detail: rv.Verdict.String()})
	if err := t.save(acct, r, r.Action.State); err != nil {
		return err
	}
	// The reminders' records are filed as their invitation is.
	for _, s := range r.Reminders {
		if s.Location.MessageID == "" {
			continue
		}
		rem, err := t.get(acct, account, ReminderKey(r.Key, s.Location.MessageID))
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return err
		}
		rem.Review = &rv
		rem.Log = append(rem.Log, Event{At: rv.DecidedAt, What: "review", Detail: rv.Verdict.String() + " (its invitation's)"})
		if err := t.save(acct, rem, rem.Action.State); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) mustGet(account, key string) (bucket, Record, error) {
	acct, err := t.account(account, false)
	if err != nil {
		return nil, Record{}, err
	}
	if acct == nil {
		return nil, Record{}, fmt.Errorf("account %q record %q: %w", account, key, ErrNotFound)
	}
	r, err := t.get(acct, account, key)
	return acct, r, err
}

// Put records a decided invitation in its own transaction. See Tx.Put;
// a sweep deciding many invitations should call Tx.Put inside one Update.
func (s *Store) Put(account string, r Record) (stored Record, res PutResult, err error) {
	err = s.Update(func(tx *Tx) error { stored, res, err = tx.Put(account, r); return err })
	return stored, res, err
}

// Get returns one record, or ErrNotFound.
func (s *Store) Get(account, key string) (r Record, err error) {
	err = s.View(func(tx *Tx) error { r, err = tx.Get(account, key); return err })
	return r, err
}

// ByMessageID returns the records a message carried. See Tx.ByMessageID.
func (s *Store) ByMessageID(account, messageID string) (recs []Record, err error) {
	err = s.View(func(tx *Tx) error { recs, err = tx.ByMessageID(account, messageID); return err })
	return recs, err
}

// Records returns every record of account, in key order. It reads in one
// short read-only transaction.
func (s *Store) Records(account string) ([]Record, error) {
	var recs []Record
	err := s.View(func(tx *Tx) error {
		return tx.ForEach(account, func(r Record) error { recs = append(recs, r); return nil })
	})
	return recs, err
}

// SetReview records the user's decision on a record. See Tx.SetReview.
func (s *Store) SetReview(account, key string, rv Review) error {
	return s.Update(func(tx *Tx) error { return tx.SetReview(account, key, rv) })
}

// SameMessage reports whether a and b locate the same message: the same
// Message-ID, read the way inbox reads it now (an older triage kept
// control characters in it), or the same UID of the same mailbox and
// UIDVALIDITY.
func SameMessage(a, b Location) bool {
	if a.MessageID != "" && b.MessageID != "" && inbox.CleanMessageID(a.MessageID) == inbox.CleanMessageID(b.MessageID) {
		return true
	}
	return a.UID != 0 && a.UID == b.UID && a.UIDValidity == b.UIDValidity && a.Mailbox == b.Mailbox
}

// follow makes loc r's location, with a "relocated" event at at, when r's
// message is found elsewhere before its actions were carried out, and
// reports whether it did; a record acted on keeps the location it was
// acted at.
func (r *Record) follow(loc Location, at time.Time) bool {
	if loc == r.Location || (r.Action.State != Pending && r.Action.State != Intent) {
		return false
	}
	r.relocate(loc, at)
	return true
}

// relocate makes loc r's location, with a "relocated" event at at.
func (r *Record) relocate(loc Location, at time.Time) {
	r.Log = append(r.Log, Event{At: at, What: "relocated", Detail: fmt.Sprintf("%s uid %d -> %s uid %d", r.Location.Mailbox, r.Location.UID, loc.Mailbox, loc.UID)})
	r.Location = loc
}

// reminderPrefix starts the key of a reminder's record (see FileReminder).
const reminderPrefix = "rem:"

// ReminderKey returns the key of the record that files the message with
// messageID as a later sighting of the invitation recorded under key.
func ReminderKey(key, messageID string) string {
	return reminderPrefix + messageID + " " + key
}

// IsReminder reports whether r files a later message of an invitation
// recorded under another key (see FileReminder), rather than recording an
// invitation of its own.
func (r Record) IsReminder() bool { return strings.HasPrefix(r.Key, reminderPrefix) }

// reminderRef is what a reminder's record of r holds in ReminderOf: the
// Message-ID of r's message, or, for a message without one, its source
// (inbox.Source), so that a reminder's record is never without it.
func (r Record) reminderRef(account string) string {
	if r.Location.MessageID != "" {
		return r.Location.MessageID
	}
	l := r.Location
	return inbox.Source(account, l.Mailbox, l.UIDValidity, l.UID)
}

// linkReminders fills ReminderOf in the reminders' records of account
// that an older triage filed without it, from their invitations' records
// (the invitation's key ends a reminder's). A record whose invitation is
// not found is left as it is.
func (t *Tx) linkReminders(account string) error {
	acct, err := t.account(account, false)
	if err != nil || acct == nil {
		return err
	}
	rec := acct.Bucket(bucketRec)
	var keys [][]byte
	c := rec.Cursor()
	prefix := []byte(reminderPrefix)
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		r, err := getRecord(rec, account, k)
		if err != nil {
			return err
		}
		if r.ReminderOf != "" {
			continue
		}
		of, ok, err := t.invitationOf(acct, account, r.Key)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		r.ReminderOf = of.reminderRef(account)
		if err := t.save(acct, r, r.Action.State); err != nil {
			return err
		}
	}
	return nil
}

// invitationOf returns the record of the invitation whose reminder's
// record has key (see ReminderKey): the key of a record that follows a
// space in it. A Message-ID with a space in it may hide the right one
// behind a wrong candidate, so each candidate is looked up, from the
// first.
func (t *Tx) invitationOf(acct bucket, account, key string) (Record, bool, error) {
	rest := strings.TrimPrefix(key, reminderPrefix)
	for i := 0; i < len(rest); i++ {
		j := strings.IndexByte(rest[i:], ' ')
		if j < 0 {
			break
		}
		i += j
		cand := rest[i+1:]
		if !strings.HasPrefix(cand, "inv:") && !strings.HasPrefix(cand, "msg:") {
			continue
		}
		r, err := t.get(acct, account, cand)
		switch {
		case err == nil:
			return r, true, nil
		case !errors.Is(err, ErrNotFound):
			return Record{}, false, err
		}
	}
	return Record{}, false, nil
}

// FileReminder records that the message at loc, a reminder or a digest
// that carried the invitation of, is to be filed as that invitation is,
// and returns its record:
//   - the first time, a record keyed ReminderKey(of.Key, loc.MessageID) is
//     Added with a pending action (skipped, when of's was: the user dealt
//     with the invitation's message). It carries of's inviter and decision
//     (its review, when there is one): it makes no decision of its own, and
//     its history says whose reminder it is. SetReview on of reviews it
//     too;
//   - later, it is Unchanged, except that a record not yet acted on
//     follows its message to a new UID, as Put does.
//
// Without it, a reminder's message would stay where it arrived, with no
// keyword, after its invitation was filed.
func (t *Tx) FileReminder(account string, of Record, loc Location) (Record, PutResult, error) {
	switch {
	case loc.MessageID == "":
		return Record{}, 0, fmt.Errorf("message %s uid %d: a reminder without a Message-ID cannot be recorded", loc.Mailbox, loc.UID)
	case strings.IndexByte(loc.MessageID, 0) >= 0:
		return Record{}, 0, fmt.Errorf("message %s uid %d: Message-ID %q holds a NUL byte", loc.Mailbox, loc.UID, loc.MessageID)
	case of.IsReminder():
		return Record{}, 0, fmt.Errorf("record %q is a reminder's, not an invitation's", of.Key)
	case SameMessage(loc, of.Location):
		return Record{}, 0, fmt.Errorf("record %q: message %s is the invitation's own, not a reminder", of.Key, loc.MessageID)
	}
	acct, err := t.account(account, true)
	if err != nil {
		return Record{}, 0, err
	}
	key := ReminderKey(of.Key, loc.MessageID)
	now := t.s.now().UTC()
	old, err := t.get(acct, account, key)
	switch {
	case err == nil:
		if old.follow(loc, now) {
			return old, Unchanged, t.save(acct, old, old.Action.State)
		}
		return old, Unchanged, nil
	case !errors.Is(err, ErrNotFound):
		return Record{}, 0, err
	}
	r := of
	r.Key = key
	r.Account = account
	r.Location = loc
	r.FirstSeen = now
	r.FromReminder = true
	r.ReminderOf = of.reminderRef(account)
	r.Reminders = nil
	r.Action = Action{State: Pending}
	r.Log = []Event{{At: now, What: "reminder", Detail: "of " + of.Key}}
	if of.Action.State == Skipped {
		// The user dealt with the invitation's message (moved or deleted
		// it); the reminder is theirs to deal with too.
		r.Action = Action{State: Skipped, Note: "its invitation's actions were skipped: " + of.Action.Note}
		r.Log = append(r.Log, Event{At: now, What: "skipped", Detail: r.Action.Note})
	}
	return r, Added, t.save(acct, r, "")
}
