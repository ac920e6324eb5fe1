package benchmark

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/triagehq/triage/internal/dovecottest"
)

// Kind is what a generated message is.
type Kind int

const (
	// Invitation is a copy of a LinkedIn invitation fixture.
	Invitation Kind = iota
	// Notice is LinkedIn mail that is not an invitation: the sweep's
	// search finds it, the parser turns it down.
	Notice
	// Newsletter is an HTML newsletter of 20-80 KB.
	Newsletter
	// Personal is a short plain-text mail of 2-5 KB.
	Personal
	// Attachment is a mail with a 1-3 MB base64 attachment.
	Attachment
	numKinds
)

var kindNames = [numKinds]string{"invitation", "linkedin-notice", "newsletter", "personal", "attachment"}

func (k Kind) String() string {
	if k >= 0 && k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Mix of the 90% of mail that is not an invitation, in thousandths of all
// messages: what is left after invitations, notices and attachments is
// shared between newsletters and personal mail.
const (
	invitationsPerMille = 100 // see invitationAt
	noticesPerMille     = 10
	attachmentsPerMille = 1
	newslettersPerMille = 300
)

// Spec describes a generated mailbox.
type Spec struct {
	Messages int
	Seed     uint64
	// From and To bound the messages' dates, which grow with their UIDs.
	From, To time.Time
}

// DefaultSpec is a mailbox of n messages spanning 2011 to 2026, the years
// of the invitation fixtures.
func DefaultSpec(n int) Spec {
	return Spec{
		Messages: n,
		Seed:     20260101,
		From:     time.Date(2011, 6, 1, 0, 0, 0, 0, time.UTC),
		To:       time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
	}
}

// Generated is one message of a generated mailbox.
type Generated struct {
	Index int // 0-based, also the load order
	Kind  Kind
	Raw   []byte
	Date  time.Time
	// Identity is the copy's identity, for invitations and notices.
	Identity Identity
	Template string // the fixture copied, for invitations and notices
}

// Stats counts a generated mailbox.
type Stats struct {
	Messages int
	Bytes    int64
	ByKind   [numKinds]int
}

// Invitations is the number of invitation messages (one invitation each).
func (s Stats) Invitations() int { return s.ByKind[Invitation] }

// Add counts g.
func (s *Stats) Add(g Generated) {
	s.Messages++
	s.Bytes += int64(len(g.Raw))
	s.ByKind[g.Kind]++
}

// kindAt says what message i is: every tenth is an invitation, the rest
// is drawn at random.
func kindAt(i int, rng *rand.Rand) Kind {
	if invitationAt(i) {
		return Invitation
	}
	// The remaining 900 thousandths.
	n := rng.IntN(1000 - invitationsPerMille)
	switch {
	case n < noticesPerMille:
		return Notice
	case n < noticesPerMille+attachmentsPerMille:
		return Attachment
	case n < noticesPerMille+attachmentsPerMille+newslettersPerMille:
		return Newsletter
	default:
		return Personal
	}
}

// CountInvitations returns how many invitations a mailbox of n messages
// holds.
func CountInvitations(n int) int {
	c := 0
	for i := range n {
		if invitationAt(i) {
			c++
		}
	}
	return c
}

// invitationAt reports whether message i is an invitation: one in ten,
// every tenth message from the fourth.
func invitationAt(i int) bool { return i%10 == 3 }

// Generate yields the mailbox spec describes, in load order, with every
// invitation distinct (inviter, invitation ID, Message-ID, date). It is
// deterministic for a given spec and corpus. An error stops the sequence
// and is yielded last with a zero Generated.
func Generate(c *Corpus, spec Spec) iter.Seq2[Generated, error] {
	return func(yield func(Generated, error) bool) {
		rng := rand.New(rand.NewPCG(spec.Seed, uint64(spec.Messages)))
		span := spec.To.Sub(spec.From)
		f := newFiller(rng)
		for i := range spec.Messages {
			date := spec.From.Add(time.Duration(float64(span) * float64(i) / float64(max(spec.Messages, 1)))).
				Add(time.Duration(rng.IntN(3600)) * time.Second).Truncate(time.Second)
			g := Generated{Index: i, Kind: kindAt(i, rng), Date: date}
			var err error
			switch g.Kind {
			case Invitation, Notice:
				g.Raw, g.Identity, g.Template, err = c.copyAt(g.Kind, i, date, rng)
			case Newsletter:
				g.Raw = f.newsletter(i, date)
			case Personal:
				g.Raw = f.personal(i, date)
			case Attachment:
				g.Raw = f.attachment(i, date)
			}
			if err != nil {
				yield(Generated{}, fmt.Errorf("message %d (%v): %w", i+1, g.Kind, err))
				return
			}
			if !yield(g, nil) {
				return
			}
		}
	}
}

// copyAt copies a template fit for date: an invitation of the layout
// LinkedIn used in the five years up to date (else the oldest one), or a
// notice.
func (c *Corpus) copyAt(k Kind, i int, date time.Time, rng *rand.Rand) ([]byte, Identity, string, error) {
	var t *Template
	if k == Notice {
		if len(c.Notices) == 0 {
			k = Invitation
		} else {
			t = c.Notices[rng.IntN(len(c.Notices))]
		}
	}
	if k == Invitation {
		var fit []*Template
		for _, tt := range c.Invitations {
			if tt.Year <= date.Year() && tt.Year >= date.Year()-5 {
				fit = append(fit, tt)
			}
		}
		if len(fit) == 0 {
			fit = c.Invitations[:1]
		}
		t = fit[rng.IntN(len(fit))]
	}
	id := Identity{
		Serial: i + 1,
		First:  firstNames[rng.IntN(len(firstNames))],
		Last:   lastNames[rng.IntN(len(lastNames))],
		// Same shape as LinkedIn's: 19 digits, unique per message index.
		InvitationID: fmt.Sprintf("68%017d", i+1),
		MessageID:    fmt.Sprintf("bench.%d.%08x.JavaMail.app@ltx1-bench.prod.linkedin.com", i+1, rng.Uint32()),
		Date:         date,
	}
	raw, err := t.Copy(id)
	if err != nil {
		return nil, id, t.Path, err
	}
	return raw, id, t.Path, nil
}

// Messages adapts a generated mailbox to dovecottest.BulkLoad, counting it
// into st. The first error is stored in *errp.
func Messages(seq iter.Seq2[Generated, error], st *Stats, errp *error) iter.Seq[dovecottest.Message] {
	return func(yield func(dovecottest.Message) bool) {
		for g, err := range seq {
			if err != nil {
				*errp = err
				return
			}
			st.Add(g)
			if !yield(dovecottest.Message{Raw: g.Raw, Date: g.Date}) {
				return
			}
		}
	}
}

var firstNames = []string{
	"Aisha", "Alejandro", "Amara", "Anders", "Aoife", "Arjun", "Astrid", "Bilal", "Bruno", "Camille",
	"Chidi", "Chloe", "Dmitri", "Elena", "Emeka", "Farah", "Fatima", "Finn", "Gabriel", "Hana",
	"Hamid", "Ines", "Ingrid", "Isabel", "Jakub", "Jamal", "Johanna", "Jonas", "Kavya", "Kenji",
	"Keisha", "Lars", "Leila", "Lucas", "Magnus", "Malik", "Marta", "Mateo", "Nadia", "Niamh",
	"Nikhil", "Noor", "Olga", "Omar", "Paola", "Pedro", "Rafael", "Rania", "Rohan", "Saanvi",
	"Sakura", "Selin", "Sergei", "Siobhan", "Sofia", "Tariq", "Thabo", "Tomas", "Valentina", "Wei",
	"Yara", "Yusuf", "Zainab", "Zoltan",
}

var lastNames = []string{
	"Abbott", "Adeyemi", "Andersson", "Bauer", "Bianchi", "Castillo", "Chowdhury", "Dubois", "Eriksen", "Fernandes",
	"Fischer", "Gallagher", "Garcia", "Haddad", "Hansen", "Horvath", "Ibrahim", "Ivanova", "Jensen", "Kaur",
	"Kowalski", "Kuznetsov", "Larsen", "Lindqvist", "Lopez", "Mahlangu", "Martins", "Moreau", "Murphy", "Nakamura",
	"Nguyen", "Novak", "Okonkwo", "Olsen", "Papadopoulos", "Patel", "Pereira", "Petrov", "Quinn", "Ramirez",
	"Rossi", "Sato", "Schmidt", "Silva", "Sokolova", "Suzuki", "Takahashi", "Tan", "Varga", "Vasquez",
	"Walsh", "Weber", "Wojcik", "Yamamoto", "Yilmaz", "Zhang",
}
