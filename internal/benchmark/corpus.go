package benchmark

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"

	"github.com/triagehq/triage/internal/inbox"
)

// Corpus holds the LinkedIn notification emails the generator copies: the
// single-invitation fixtures of every era it found, and LinkedIn mail that
// is not an invitation (acceptance notices, LinkedIn newsletters). Each
// template has been checked: a copy with a new inviter, invitation ID,
// Message-ID and date parses back to exactly those values.
type Corpus struct {
	Invitations []*Template
	Notices     []*Template
	// Skipped names the fixtures left out and why (digests, reminders,
	// non-UTF-8 charsets, layouts a copy does not survive, ...).
	Skipped []string
}

// Template is one fixture email the generator copies.
type Template struct {
	Path string // relative to the fixture directory
	Year int    // of its Date header
	raw  []byte
	// orig is the inviter as the fixture shows it (invitations only).
	orig inbox.Invitation
}

// Identity is what makes one copy of a template distinct.
type Identity struct {
	// Serial is unique per copy; it makes the inviter's profile URL
	// distinct (the store matches ID-less invitations by profile).
	Serial       int
	First, Last  string
	InvitationID string // used only when the template carries one
	MessageID    string // without angle brackets
	Date         time.Time
}

// Name is the inviter's full name.
func (id Identity) Name() string { return id.First + " " + id.Last }

// LoadCorpus reads every .eml file below dir (inbox's testdata directory),
// except those under "malformed", and keeps the ones a copy survives.
func LoadCorpus(dir string) (*Corpus, error) {
	c := &Corpus{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// gateway/ holds copies of other fixtures with rewritten
			// links: the same templates, larger, which would change the
			// corpus the published figures were measured on.
			if d.Name() == "malformed" || d.Name() == "gateway" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".eml") {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		c.add(filepath.ToSlash(rel), raw)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load fixture emails: %w", err)
	}
	if len(c.Invitations) == 0 {
		return nil, fmt.Errorf("load fixture emails: no usable single-invitation .eml file in %s", dir)
	}
	slices.SortFunc(c.Invitations, func(a, b *Template) int { return a.Year - b.Year })
	return c, nil
}

func (c *Corpus) add(path string, raw []byte) {
	skip := func(format string, args ...any) {
		c.Skipped = append(c.Skipped, path+": "+fmt.Sprintf(format, args...))
	}
	msg, err := inbox.Parse(bytes.NewReader(raw))
	t := &Template{Path: path, Year: msg.Date.Year(), raw: raw}
	if msg.Date.IsZero() {
		skip("no Date header")
		return
	}
	probe := Identity{Serial: 4242, First: "Benchmarko", Last: "Testerly", InvitationID: "6999999999999999999",
		MessageID: "probe.0@bench.triage.invalid", Date: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}
	switch {
	case errors.Is(err, inbox.ErrNotInvitation):
		if !strings.HasSuffix(msg.From, "linkedin.com") {
			skip("not from LinkedIn")
			return
		}
		if _, err := t.copyChecked(probe); err != nil {
			skip("%v", err)
			return
		}
		c.Notices = append(c.Notices, t)
	case err != nil:
		skip("does not parse: %v", err)
	case len(msg.Invitations) != 1:
		skip("%d invitations (only single invitations are copied)", len(msg.Invitations))
	case msg.Invitations[0].Reminder:
		skip("a reminder")
	default:
		t.orig = msg.Invitations[0]
		if _, err := t.copyChecked(probe); err != nil {
			skip("%v", err)
			return
		}
		c.Invitations = append(c.Invitations, t)
	}
}

// IsInvitation reports whether the template is an invitation (else a
// LinkedIn notice that is not one).
func (t *Template) IsInvitation() bool { return t.orig.Name != "" }

// copyChecked copies t with id and checks that inbox.Parse reads id back.
func (t *Template) copyChecked(id Identity) ([]byte, error) {
	raw, err := t.Copy(id)
	if err != nil {
		return nil, err
	}
	msg, err := inbox.Parse(bytes.NewReader(raw))
	if !t.IsInvitation() {
		if !errors.Is(err, inbox.ErrNotInvitation) {
			return nil, fmt.Errorf("copy parses as %v, want %v", err, inbox.ErrNotInvitation)
		}
		if msg.MessageID != id.MessageID {
			return nil, fmt.Errorf("copy has Message-ID %q, want %q", msg.MessageID, id.MessageID)
		}
		return raw, nil
	}
	if err != nil {
		return nil, fmt.Errorf("copy does not parse: %w", err)
	}
	if len(msg.Invitations) != 1 {
		return nil, fmt.Errorf("copy has %d invitations, want 1", len(msg.Invitations))
	}
	got := msg.Invitations[0]
	wantID := ""
	if t.orig.InvitationID != "" {
		wantID = id.InvitationID
	}
	wantProfile := t.orig.ProfileURL
	if tok, newTok := profileToken(wantProfile, id); tok != "" {
		wantProfile = strings.Replace(wantProfile, tok, newTok, 1)
	}
	if wantProfile == t.orig.ProfileURL && wantID == "" {
		return nil, fmt.Errorf("copies would share the profile URL %q and have no invitation ID: the store would take them for one inviter", t.orig.ProfileURL)
	}
	if got.ProfileURL != wantProfile {
		return nil, fmt.Errorf("copy has profile URL %q, want %q", got.ProfileURL, wantProfile)
	}
	if got.Name != id.Name() || got.InvitationID != wantID || got.MessageID != id.MessageID || !got.Date.Equal(id.Date) {
		return nil, fmt.Errorf("copy parses as %q, invitation %q, Message-ID %q, date %v; want %q, %q, %q, %v",
			got.Name, got.InvitationID, got.MessageID, got.Date, id.Name(), wantID, id.MessageID, id.Date)
	}
	return raw, nil
}

// Copy returns the template with the inviter, invitation ID, Message-ID and
// Date replaced by id's, in the header and in every text part, re-encoded
// with each part's own transfer encoding.
func (t *Template) Copy(id Identity) ([]byte, error) {
	e, err := message.Read(bytes.NewReader(t.raw))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.Path, err)
	}
	r := t.replacer(id)
	h := mail.Header{Header: e.Header}
	if subj, err := h.Subject(); err == nil && subj != "" {
		h.SetSubject(r(subj))
	}
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		for _, a := range from {
			a.Name = r(a.Name)
		}
		h.SetAddressList("From", from)
	}
	h.SetMessageID(id.MessageID)
	h.SetDate(id.Date)

	var out bytes.Buffer
	out.Grow(len(t.raw) + 1024)
	w, err := message.CreateWriter(&out, e.Header)
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", t.Path, err)
	}
	if err := copyBody(w, e, r); err != nil {
		return nil, fmt.Errorf("copy %s: %w", t.Path, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("copy %s: %w", t.Path, err)
	}
	return out.Bytes(), nil
}

// copyBody writes e's body to w, rewriting text parts with r.
func copyBody(w *message.Writer, e *message.Entity, r func(string) string) error {
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			pw, err := w.CreatePart(p.Header)
			if err != nil {
				return err
			}
			if err := copyBody(pw, p, r); err != nil {
				return err
			}
			if err := pw.Close(); err != nil {
				return err
			}
		}
	}
	body, err := io.ReadAll(e.Body)
	if err != nil {
		return err
	}
	if mt, _, _ := e.Header.ContentType(); mt == "" || strings.HasPrefix(mt, "text/") {
		body = []byte(r(string(body)))
	}
	_, err = w.Write(body)
	return err
}

// profileToken returns what identifies the inviter in a profile URL (the
// vanity name of /in/<vanity>/, or the id of profile/view?id=<id>) and
// what a copy for id puts in its place.
func profileToken(profileURL string, id Identity) (tok, newTok string) {
	if i := strings.Index(profileURL, "id="); i >= 0 {
		tok = profileURL[i+len("id="):]
		if j := strings.IndexAny(tok, "&#/"); j >= 0 {
			tok = tok[:j]
		}
		if len(tok) < 4 {
			return "", ""
		}
		if strings.Trim(tok, "0123456789") == "" {
			return "id=" + tok, fmt.Sprintf("id=%d", 90000000+id.Serial)
		}
		return "id=" + tok, fmt.Sprintf("id=ACoBench%08d", id.Serial)
	}
	if i := strings.Index(profileURL, "/in/"); i >= 0 {
		tok = strings.TrimSuffix(profileURL[i+len("/in/"):], "/")
		if len(tok) < 4 || strings.ContainsAny(tok, "/?&") {
			return "", ""
		}
		return "/in/" + tok, "/in/" + strings.ToLower(id.First+"-"+id.Last) + "-" + strconv.FormatInt(int64(id.Serial), 36)
	}
	return "", ""
}

// replacer returns a function that swaps the template's inviter and
// invitation ID for id's.
func (t *Template) replacer(id Identity) func(string) string {
	if !t.IsInvitation() {
		return func(s string) string { return s }
	}
	o := t.orig
	var pairs []string
	add := func(from, to string) {
		if from != "" && from != to {
			pairs = append(pairs, from, to)
		}
	}
	if tok, newTok := profileToken(o.ProfileURL, id); tok != "" {
		add(tok, newTok)
	}
	add(o.Name, id.Name())
	add(html.EscapeString(o.Name), id.Name())
	add(strings.ReplaceAll(o.Name, "'", "&#x27;"), id.Name())
	add(strings.ReplaceAll(o.Name, "'", "’"), id.Name())
	slug := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), "-")) }
	add(slug(o.Name), slug(id.Name()))
	if o.InvitationID != "" {
		add(o.InvitationID, id.InvitationID)
	}
	whole := strings.NewReplacer(pairs...)

	// Then the first and last names on their own ("Accept Priya's ...").
	var words []*regexp.Regexp
	var subs []string
	fields := strings.Fields(o.Name)
	last := ""
	if len(fields) > 1 {
		last = fields[len(fields)-1]
	}
	for _, p := range [][2]string{{o.FirstName, id.First}, {last, id.Last}} {
		if len([]rune(p[0])) < 3 {
			continue
		}
		words = append(words, regexp.MustCompile(`\b`+regexp.QuoteMeta(p[0])+`\b`))
		subs = append(subs, p[1])
	}
	return func(s string) string {
		s = whole.Replace(s)
		for i, re := range words {
			s = re.ReplaceAllLiteralString(s, subs[i])
		}
		return s
	}
}
