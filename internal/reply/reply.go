package reply

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
)

// MaxBodyLen is the limit, in characters, that every draft body stays under.
const MaxBodyLen = 600

// maxFirstNameLen is the longest first name a draft greets by name; a longer
// one is more likely a headline or junk in the name field than a name.
const maxFirstNameLen = 40

// DefaultSubject is the subject of a draft when the config sets none.
const DefaultSubject = "Your invitation to connect"

// DefaultTemplate is the built-in body template. It is rendered with Data.
const DefaultTemplate = `{{if .FirstName}}Hi {{.FirstName}},{{else}}Hello,{{end}}

Thanks for the request. If we have met, I apologise, I don't recall. {{.Question}}

Best regards
`

// Doubt is what leaves an invitation borderline, and so which question the
// draft asks.
type Doubt int

const (
	// DoubtNoReason: no note, LinkedIn's stock note or a generic one such
	// as "I'd like to expand my network".
	DoubtNoReason Doubt = iota
	// DoubtCompliment: a vague compliment ("impressed by your profile")
	// that does not say by what.
	DoubtCompliment
	// DoubtPersonalised: the note names something specific, yet the
	// score stayed borderline.
	DoubtPersonalised
	// DoubtPitch: the note reads partly like an offer of the sender's
	// product or service.
	DoubtPitch
)

var doubtNames = [...]string{
	DoubtNoReason:     "no_reason",
	DoubtCompliment:   "compliment",
	DoubtPersonalised: "personalised",
	DoubtPitch:        "pitch",
}

// doubts lists every Doubt, in order.
var doubts = [...]Doubt{DoubtNoReason, DoubtCompliment, DoubtPersonalised, DoubtPitch}

func (d Doubt) String() string {
	if d < 0 || int(d) >= len(doubtNames) {
		return fmt.Sprintf("Doubt(%d)", int(d))
	}
	return doubtNames[d]
}

// questions is the built-in question per doubt, offered to templates as
// .Question.
var questions = [...]string{
	DoubtNoReason:     "What is it about my profile that made you want to connect, and how might we both benefit?",
	DoubtCompliment:   "What is it that impressed you, and how might we both benefit from connecting?",
	DoubtPersonalised: "Thank you for your note. Could you tell me a little more about what you have in mind, and how we might both benefit from connecting?",
	DoubtPitch:        "Is this about a product or service you offer, or is there something else you would like to discuss? What is it about my profile that made you want to connect?",
}

// Question returns the built-in question for the doubt.
func (d Doubt) Question() string {
	if d < 0 || int(d) >= len(questions) {
		return questions[DoubtNoReason]
	}
	return questions[d]
}

// Data is what the subject and body templates are rendered with.
type Data struct {
	// FirstName is the inviter's first name, or empty when it is unknown
	// or unusable (too long to be a name); templates greet without it then.
	FirstName string
	Name      string // the inviter's full name as the email shows it
	Headline  string
	Company   string
	Note      string // the inviter's note; empty when none or LinkedIn's stock text
	NoteClass string // "none", "default", "generic", "personalised" or "pitch"
	// Doubt names what leaves the invitation borderline: "no_reason",
	// "compliment", "personalised" or "pitch".
	Doubt string
	// Question is the built-in question matching Doubt.
	Question string
}

// Drafter renders clarification drafts from the configured templates.
type Drafter struct {
	subject *template.Template
	body    *template.Template
	// builtinSubject and builtinBody are set when the subject or the body
	// is the built-in one: Draft then renders it without text/template
	// (see renderBuiltin).
	builtinSubject, builtinBody bool
}

// New parses the configured (or built-in) templates and checks them by
// rendering each against sample data for every kind of doubt, with and
// without a first name, so a misspelt field or a branch that breaks is
// reported now rather than on the first real invitation. Errors name the
// config key: reply.subject or reply.template.
func New(cfg Config) (*Drafter, error) {
	subj, body := cfg.Subject, cfg.Template
	if strings.TrimSpace(subj) == "" {
		subj = DefaultSubject
	}
	if strings.TrimSpace(body) == "" {
		body = DefaultTemplate
	}
	d := &Drafter{builtinSubject: subj == DefaultSubject, builtinBody: body == DefaultTemplate}
	var err error
	if d.subject, err = template.New("subject").Parse(subj); err != nil {
		return nil, fmt.Errorf("reply.subject: %w", err)
	}
	if d.body, err = template.New("template").Parse(body); err != nil {
		return nil, fmt.Errorf("reply.template: %w", err)
	}
	for _, data := range sampleData() {
		s, err := render(d.subject, data)
		if err != nil {
			return nil, fmt.Errorf("reply.subject: %w", err)
		}
		if strings.ContainsAny(s, "\r\n") {
			return nil, fmt.Errorf("reply.subject: renders a line break for doubt %q; a subject is one line", data.Doubt)
		}
		b, err := render(d.body, data)
		if err != nil {
			return nil, fmt.Errorf("reply.template: %w", err)
		}
		if err := checkBody(b); err != nil {
			return nil, fmt.Errorf("reply.template: for doubt %q: %w", data.Doubt, err)
		}
	}
	return d, nil
}

// sampleData is one Data per doubt kind, with a first name, plus the same
// without one, for New's trial renders.
func sampleData() []Data {
	var out []Data
	for _, k := range doubts {
		d := Data{
			FirstName: "Alex",
			Name:      "Alex Example",
			Headline:  "Head of Partnerships at Example Corp",
			Company:   "Example Corp",
			Note:      "Hi, I enjoyed your talk at the Go meetup and would like to stay in touch.",
			NoteClass: "generic",
			Doubt:     k.String(),
			Question:  k.Question(),
		}
		out = append(out, d)
		d.FirstName, d.Name, d.Headline, d.Company, d.Note, d.NoteClass = "", "", "", "", "", "none"
		out = append(out, d)
	}
	return out
}

var neverWord = regexp.MustCompile(`(?i)\bnever\b`)

// checkBody reports a rendered body the project's rules forbid.
func checkBody(b string) error {
	if n := utf8.RuneCountInString(b); n >= MaxBodyLen {
		return fmt.Errorf("the draft is %d characters; keep it under %d", n, MaxBodyLen)
	}
	if hasNever(b) {
		return fmt.Errorf(`the draft contains the word "never"; rephrase it`)
	}
	return nil
}

// hasNever is neverWord.MatchString(s), with the regexp run only when s
// holds "never" in some ASCII case: it ran on every draft and first name.
// Under (?i) no rune but the ASCII letters folds to n, e, v or r
// (TestNeverFoldsASCII), so a text without that ASCII match has no
// match of the regexp either.
func hasNever(s string) bool {
	for i := 0; i+5 <= len(s); i++ {
		if s[i]|0x20 == 'n' && s[i+1]|0x20 == 'e' && s[i+2]|0x20 == 'v' && s[i+3]|0x20 == 'e' && s[i+4]|0x20 == 'r' {
			return neverWord.MatchString(s)
		}
	}
	return false
}

func render(t *template.Template, data Data) (string, error) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Draft returns the clarification draft for an invitation the policy
// wants clarified. ok is false for every other verdict. The body is always
// under MaxBodyLen characters and never contains the word "never": a
// custom template that renders otherwise for this inviter falls back to the
// built-in one.
func (d *Drafter) Draft(inv inbox.Invitation, dec policy.Decision) (draft Draft, ok bool) {
	if dec.Verdict != policy.Clarify {
		return Draft{}, false
	}
	data := dataFor(inv, dec)
	subject := DefaultSubject // the built-in subject has no actions
	if !d.builtinSubject {
		s, err := render(d.subject, data)
		if err == nil && !strings.ContainsAny(s, "\r\n") && strings.TrimSpace(s) != "" {
			subject = s
		}
	}
	var body string
	if d.builtinBody {
		// What rendering and checking the built-in template, then
		// falling back to builtin, gives: builtin renders and checks it.
		body = builtin(data)
	} else if b, err := render(d.body, data); err == nil && checkBody(b) == nil {
		body = b
	} else {
		body = builtin(data)
	}
	return Draft{To: inv.Name, Subject: strings.TrimSpace(subject), Body: body}, true
}

var defaultTemplate = template.Must(template.New("template").Parse(DefaultTemplate))

// builtin renders the built-in template, which only interpolates the
// sanitised first name and a fixed question, so it always passes checkBody.
func builtin(data Data) string {
	b := renderBuiltin(data)
	if checkBody(b) != nil {
		data.FirstName = ""
		b = renderBuiltin(data)
	}
	return b
}

// renderBuiltin returns what defaultTemplate renders for data, which is
// also the reference it is tested against (TestDraftBuiltinEqualsTemplate,
// FuzzDraftBuiltin): executing text/template was most of Draft's 9 µs
// per invitation. Keep the two in step when DefaultTemplate changes.
func renderBuiltin(data Data) string {
	greeting := "Hello,"
	if data.FirstName != "" {
		greeting = "Hi " + data.FirstName + ","
	}
	return greeting + "\n\nThanks for the request. If we have met, I apologise, I don't recall. " + data.Question + "\n\nBest regards\n"
}

func dataFor(inv inbox.Invitation, dec policy.Decision) Data {
	k := DoubtOf(inv, dec)
	note := inv.Note
	if inv.DefaultNote {
		note = ""
	}
	return Data{
		FirstName: firstName(inv),
		Name:      inv.Name,
		Headline:  inv.Headline,
		Company:   inv.Company,
		Note:      note,
		NoteClass: dec.NoteClass.String(),
		Doubt:     k.String(),
		Question:  k.Question(),
	}
}

// compliment matches notes that praise without saying what for.
var compliment = regexp.MustCompile(`(?i)\b(impress\w*|admir\w*|inspir\w*|amazing|fantastic|remarkable|outstanding|stellar|brilliant|caught my (eye|attention)|stood out|stands out|great (profile|background|experience|work)|love your)\b`)

// DoubtOf says what leaves a borderline invitation in doubt, from the
// decision's note class and, for generic notes, whether the note is a vague
// compliment.
func DoubtOf(inv inbox.Invitation, dec policy.Decision) Doubt {
	switch dec.NoteClass {
	case policy.NotePitch:
		return DoubtPitch
	case policy.NotePersonalised:
		return DoubtPersonalised
	case policy.NoteGeneric:
		if compliment.MatchString(dec.NoteEvidence) || compliment.MatchString(inv.Note) {
			return DoubtCompliment
		}
	}
	return DoubtNoReason
}

// firstName is the name to greet: the parsed first name, else the first
// word of the full name, else empty; empty too when it is too long or
// holds anything that does not belong in a greeting.
func firstName(inv inbox.Invitation) string {
	n := strings.TrimSpace(inv.FirstName)
	if n == "" {
		if f := strings.Fields(inv.Name); len(f) > 0 {
			n = f[0]
		}
	}
	n = strings.Trim(n, ",;:")
	if n == "" || utf8.RuneCountInString(n) > maxFirstNameLen || hasNever(n) {
		return ""
	}
	for _, r := range n {
		if unicode.IsControl(r) || r == '@' || r == '{' || r == '}' {
			return ""
		}
	}
	return n
}
