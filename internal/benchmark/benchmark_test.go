package benchmark

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/triagehq/triage/internal/config"
	"github.com/triagehq/triage/internal/dovecottest"
	"github.com/triagehq/triage/internal/inbox"
)

var (
	corpusOnce sync.Once
	corpus     *Corpus
	corpusErr  error
)

func testCorpus(t *testing.T) *Corpus {
	t.Helper()
	corpusOnce.Do(func() { corpus, corpusErr = LoadCorpus(filepath.Join("..", "inbox", "testdata")) })
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpus
}

func TestLoadCorpus(t *testing.T) {
	c := testCorpus(t)
	years := map[int]bool{}
	for _, tmpl := range c.Invitations {
		years[tmpl.Year] = true
	}
	// The fixtures span 2011 to 2026; copies must keep several eras.
	if len(c.Invitations) < 5 || len(years) < 4 {
		t.Errorf("LoadCorpus kept %d invitation templates from %d years, want at least 5 from 4 years; skipped: %q",
			len(c.Invitations), len(years), c.Skipped)
	}
	if len(c.Notices) == 0 {
		t.Errorf("LoadCorpus kept no LinkedIn notice; skipped: %q", c.Skipped)
	}
	for _, s := range c.Skipped {
		t.Logf("skipped %s", s)
	}
}

// TestGenerate parses every invitation of a small mailbox back and checks
// the counts, distinctness and the mix of the rest.
func TestGenerate(t *testing.T) {
	c := testCorpus(t)
	const n = 600
	var st Stats
	ids := map[string]bool{}
	msgIDs := map[string]bool{}
	names := map[string]bool{}
	templates := map[string]bool{}
	var last time.Time
	for g, err := range Generate(c, DefaultSpec(n)) {
		if err != nil {
			t.Fatal(err)
		}
		st.Add(g)
		if g.Date.Before(last) {
			t.Errorf("message %d dated %v, before the one before it (%v)", g.Index, g.Date, last)
		}
		last = g.Date
		msg, perr := inbox.Parse(bytes.NewReader(g.Raw))
		if msgIDs[msg.MessageID] {
			t.Errorf("message %d: Message-ID %q used twice", g.Index, msg.MessageID)
		}
		msgIDs[msg.MessageID] = true
		switch g.Kind {
		case Invitation:
			if perr != nil || len(msg.Invitations) != 1 {
				t.Errorf("message %d (copy of %s): Parse = %d invitations, %v; want 1, nil", g.Index, g.Template, len(msg.Invitations), perr)
				continue
			}
			inv := msg.Invitations[0]
			if inv.Name != g.Identity.Name() || inv.MessageID != g.Identity.MessageID {
				t.Errorf("message %d (copy of %s): Parse = %q, %q; want %q, %q", g.Index, g.Template, inv.Name, inv.MessageID, g.Identity.Name(), g.Identity.MessageID)
			}
			// The store knows an invitation by its ID, else by its
			// Message-ID and, for reminders, its inviter's profile.
			key := "inv:" + inv.InvitationID
			if inv.InvitationID == "" {
				key = "profile:" + inv.ProfileURL
			}
			if ids[key] {
				t.Errorf("message %d (copy of %s): %s used twice", g.Index, g.Template, key)
			}
			ids[key] = true
			names[inv.Name] = true
			templates[g.Template] = true
		default:
			if !errors.Is(perr, inbox.ErrNotInvitation) {
				t.Errorf("message %d (%v): Parse error = %v, want %v", g.Index, g.Kind, perr, inbox.ErrNotInvitation)
			}
			if g.Kind == Notice {
				continue
			}
			hdr, err := mail.ReadMessage(bytes.NewReader(g.Raw))
			if err != nil {
				t.Errorf("message %d (%v): %v", g.Index, g.Kind, err)
				continue
			}
			if strings.Contains(strings.ToLower(hdr.Header.Get("From")), "linkedin") {
				t.Errorf("message %d (%v) is from %q", g.Index, g.Kind, hdr.Header.Get("From"))
			}
			for _, s := range inbox.SearchSubjects() {
				if strings.Contains(strings.ToLower(hdr.Header.Get("Subject")), strings.ToLower(s)) {
					t.Errorf("message %d (%v): subject %q looks like an invitation's", g.Index, g.Kind, hdr.Header.Get("Subject"))
				}
			}
		}
	}
	if st.Messages != n || st.Invitations() != n/10 || st.Invitations() != CountInvitations(n) {
		t.Errorf("Generate(%d) gave %d messages, %d invitations; want %d, %d", n, st.Messages, st.Invitations(), n, n/10)
	}
	if st.ByKind[Newsletter] < n/5 || st.ByKind[Personal] < n/3 || st.ByKind[Notice] == 0 {
		t.Errorf("Generate(%d) mix = %v, want newsletters, personal mail and some notices", n, st.ByKind)
	}
	if len(templates) < 4 || len(names) < n/20 {
		t.Errorf("Generate(%d) copied %d templates with %d distinct names, want variety", n, len(templates), len(names))
	}
	if avg := st.Bytes / int64(n); avg < 8<<10 || avg > 40<<10 {
		t.Errorf("Generate(%d): average message is %d bytes, want a realistic 8-40 KB", n, avg)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	c := testCorpus(t)
	digest := func() []byte {
		var all []byte
		for g, err := range Generate(c, DefaultSpec(20)) {
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, g.Raw...)
		}
		return all
	}
	if !bytes.Equal(digest(), digest()) {
		t.Error("Generate gave different mailboxes for the same spec")
	}
}

func TestFillerSizes(t *testing.T) {
	f := newFiller(newTestRand())
	date := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		name     string
		raw      []byte
		min, max int
	}{
		{"newsletter", f.newsletter(1, date), 20 << 10, 100 << 10},
		{"personal", f.personal(2, date), 2 << 10, 6 << 10},
		{"attachment", f.attachment(3, date), 4 << 20 / 3, 4<<20 + 64<<10},
	}
	for _, tt := range tests {
		if len(tt.raw) < tt.min || len(tt.raw) > tt.max {
			t.Errorf("%s is %d bytes, want %d to %d", tt.name, len(tt.raw), tt.min, tt.max)
		}
		if _, err := mail.ReadMessage(bytes.NewReader(tt.raw)); err != nil {
			t.Errorf("%s: mail.ReadMessage: %v", tt.name, err)
		}
	}
}

func TestWriteConfigLoads(t *testing.T) {
	dir := t.TempDir()
	path, err := WriteConfig(dir, SweepConfig{StateDir: filepath.Join(dir, "state"), Host: "127.0.0.1", Port: 1143, User: "triage"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.Load(path)
	if err != nil {
		t.Fatalf("config.Load(benchmark config) = %v", err)
	}
	if len(f.Accounts) != 1 || f.Accounts[0].TLS != "none" || f.Accounts[0].Port != 1143 || f.StateDir != filepath.Join(dir, "state") {
		t.Errorf("config.Load(benchmark config) = accounts %+v, state_dir %q", f.Accounts, f.StateDir)
	}
}

func TestSubjectsFromTrace(t *testing.T) {
	tests := []struct {
		trace string
		want  []string
		found bool
		err   bool
	}{
		{"C: T1 LOGIN [redacted]\nS: T1 OK\nC: T3 UID SEARCH OR FROM \"linkedin.com\" OR SUBJECT \"I want to connect\" SUBJECT \"say \\\"hi\\\"\"\nS: * SEARCH 1 2\n",
			[]string{"I want to connect", `say "hi"`}, true, false},
		{"C: T3 UID SEARCH FROM \"linkedin.com\"\n", nil, true, false},
		{"C: T4 UID SEARCH HEADER Message-ID \"x@y\"\nC: T5 UID SEARCH CHARSET UTF-8 OR FROM linkedin.com SUBJECT {12 bytes}\n", nil, true, true},
		{"C: T1 SELECT INBOX\n", nil, false, false},
	}
	for _, tt := range tests {
		got, found, err := SubjectsFromTrace([]byte(tt.trace))
		if found != tt.found || (err != nil) != tt.err || strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("SubjectsFromTrace(%q) = %q, %v, %v; want %q, %v, error %v", tt.trace, got, found, err, tt.want, tt.found, tt.err)
		}
	}
}

func TestSweepOutput(t *testing.T) {
	var o SweepOutput
	lines := `{"kind":"invitation","invitation_id":"1","new":true}
{"kind":"invitation","invitation_id":"1","new":false}
{"kind":"invitation","source":"imap://b/INBOX;UIDVALIDITY=1/;UID=9","new":true}
{"kind":"not_invitation"}
{"kind":"error","error":"x"}
`
	// Split mid-line, as a pipe does.
	o.Write([]byte(lines[:17]))
	o.Write([]byte(lines[17:]))
	if o.Lines != 0 {
		t.Errorf("lines counted while the process runs: %d", o.Lines)
	}
	o.count()
	want := SweepOutput{Lines: 5, Invitations: 3, New: 2, NotInvitations: 1, Errors: 1, Distinct: 2}
	if o.Lines != want.Lines || o.Invitations != want.Invitations || o.New != want.New ||
		o.NotInvitations != want.NotInvitations || o.Errors != want.Errors || o.Distinct != want.Distinct {
		t.Errorf("SweepOutput = %+v, want %+v", o, want)
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{3, 1, 2}, 2},
		{[]time.Duration{4, 1, 3, 2}, 2},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestFloorOnDovecot loads a small generated mailbox into a real Dovecot
// and checks that the floor finds and reads exactly the LinkedIn mail.
func TestFloorOnDovecot(t *testing.T) {
	c := testCorpus(t)
	srv := dovecottest.Start(t, dovecottest.Options{})
	var st Stats
	var genErr error
	var want int64
	seq := func(yield func(Generated, error) bool) {
		for g, err := range Generate(c, DefaultSpec(300)) {
			if err == nil && (g.Kind == Invitation || g.Kind == Notice) {
				want += int64(len(g.Raw))
			}
			if !yield(g, err) {
				return
			}
		}
	}
	if err := srv.BulkLoad(srv.User, "INBOX", Messages(seq, &st, &genErr)); err != nil || genErr != nil {
		t.Fatal(err, genErr)
	}
	res, err := Floor(context.Background(), FloorOptions{
		Addr: srv.Addr(dovecottest.Plain), User: srv.User, Password: srv.Password,
		Subjects: inbox.SearchSubjects(), Batch: 7, InFlight: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	if wantN := st.Invitations() + st.ByKind[Notice]; res.Candidates != wantN || res.Fetched != wantN {
		t.Errorf("Floor = %d candidates, %d fetched; want %d of each", res.Candidates, res.Fetched, wantN)
	}
	// Dovecot serves the LF-free generated mail as is, so sizes match
	// except where a fixture used bare LF line ends.
	if res.Bytes < want {
		t.Errorf("Floor read %d body bytes, want at least %d", res.Bytes, want)
	}
	msgs, err := srv.Messages(srv.User, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Has(`\Seen`) {
			t.Fatalf("message uid %d is \\Seen after the floor, which must only peek", m.UID)
		}
	}
}

func newTestRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
