package sweep

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/triagehq/triage/internal/config"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
	"github.com/triagehq/triage/internal/report"
)

// Fixtures from the parser's testdata: several eras, a reminder, a digest,
// an acceptance notice, ordinary mail, a look-alike from another domain
// that copies an invitation subject, and an unreadable message.
const (
	fx2011       = "2011/invitation-personal-note.eml"
	fx2016       = "2016/single01-default-note.eml"
	fx2022       = "2022/you-have-an-invitation.eml"
	fx2023       = "2023/i-want-to-connect-note-pymk.eml"
	fx2025       = "2025/i-want-to-connect-no-note.eml"
	fx2026       = "2026/you-have-an-invitation-envelope.eml"
	fxReminder   = "reminder/reminder-02.eml"
	fxDigest     = "digest/digest-02.eml"
	fxAccepted   = "notinvitation/accepted-invitation.eml"
	fxNewsletter = "notinvitation/linkedin-newsletter.eml"
	fxLookalike  = "notinvitation/non-linkedin.eml"
	fxBroken     = "malformed/truncated-qp.eml"
)

// ordinary is mail that is neither from LinkedIn nor has an invitation
// subject: the search must not even find it.
func ordinary(n int) []byte {
	return []byte("From: Alice Example <alice@example.org>\r\nTo: paul@hammant.org\r\n" +
		"Subject: Lunch on Friday " + strings.Repeat("!", n) + "\r\nMessage-ID: <lunch-" + strings.Repeat("x", n) + "@example.org>\r\n" +
		"Date: Tue, 04 Mar 2025 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nShall we meet at noon?\r\n")
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "inbox", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var messageIDHeader = regexp.MustCompile(`(?mi)^Message-ID:[^\n]*\n`)

// withMessageID returns raw with its Message-ID replaced by id: the same
// notification sent again (LinkedIn's reminders repeat the invitation).
func withMessageID(t testing.TB, raw []byte, id string) []byte {
	t.Helper()
	if !messageIDHeader.Match(raw) {
		t.Fatal("fixture has no Message-ID header")
	}
	return messageIDHeader.ReplaceAll(raw, []byte("Message-ID: <"+id+">\r\n"))
}

// testActions: ignored invitations move away, the others get keywords.
var testActions = config.Actions{
	Accept:     inbox.Action{Keyword: "$Triage_accept"},
	Ignore:     inbox.Action{Keyword: "$Triage_ignore", MoveTo: "LinkedIn/Ignore"},
	Clarify:    inbox.Action{Keyword: "$Triage_clarify"},
	Suspicious: inbox.Action{Keyword: "$Triage_suspicious"},
}

// testPolicy is the default policy for the fixtures' recipient, who knows
// Ben Carter (so the digest's invitations disagree) and wants nothing to do
// with two inviters (so some invitations are ignored and move).
func testPolicy(t testing.TB) (*policy.Policy, *reply.Drafter) {
	t.Helper()
	cfg := policy.Defaults()
	cfg.Known.Names = []string{"Ben Carter"}
	cfg.Rules = []policy.Rule{{Name: "not-for-me", Field: "name", Keywords: []string{"Oliver Brandt", "Mei-Ling Chen"}, Points: -10}}
	p, err := policy.New(cfg, policy.Me{Name: "Paul Hammant", Companies: []string{"ThoughtWorks"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := reply.New(reply.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return p, d
}

// memServer is go-imap's in-process server with the in-memory backend,
// counting the commands a sweep sends.
type memServer struct {
	t    testing.TB
	user *imapmemserver.User
	port int

	mu       sync.Mutex
	commands []string // "SEARCH", "FETCH", "STORE", "MOVE", "COPY", "EXPUNGE"
	// refuse makes a body FETCH of a set holding one of these UIDs answer
	// NO [UNAVAILABLE], as Yahoo does for a message it cannot serve.
	refuse map[uint32]bool
	// noKeywords leaves \* out of PERMANENTFLAGS, as Exchange does.
	noKeywords bool
	// unindexed lists UIDs that SEARCH does not find yet, as a search
	// index that lags behind the mailbox (Gmail's, Exchange's).
	unindexed map[uint32]bool

	// clock is the sweeps' clock (memOptions), which a test moves on.
	clock clock
}

// setUnindexed makes SEARCH miss uids until the next call (none: the
// index has caught up).
func (ms *memServer) setUnindexed(uids ...uint32) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.unindexed = map[uint32]bool{}
	for _, u := range uids {
		ms.unindexed[u] = true
	}
}

// clock is a clock a test moves on by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const (
	memUser     = "paul@example.org"
	memPassword = "correct horse battery staple"
)

func newMemServer(t testing.TB) *memServer {
	t.Helper()
	return newMemServerCaps(t, imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}})
}

// newMemServerCaps is newMemServer announcing caps.
func newMemServerCaps(t testing.TB, caps imap.CapSet) *memServer {
	t.Helper()
	ms := &memServer{t: t, user: imapmemserver.NewUser(memUser, memPassword)}
	ms.clock.t = time.Now()
	if err := ms.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &memSession{srv: ms}, nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ms.port = ln.Addr().(*net.TCPAddr).Port
	return ms
}

func (ms *memServer) account(t testing.TB, mailbox string) inbox.Account {
	t.Setenv("TRIAGE_TEST_PASSWORD", memPassword)
	return inbox.Account{
		Name: "mem", Host: "127.0.0.1", Port: ms.port, TLS: inbox.TLSNone, Username: memUser,
		Mailbox: mailbox, PasswordEnv: "TRIAGE_TEST_PASSWORD", Timeout: inbox.Duration{Duration: 5 * time.Second},
	}
}

type memLiteral struct{ *bytes.Reader }

func (l memLiteral) Size() int64 { return l.Reader.Size() }

// deliver appends raw to mailbox (created when missing) and returns its UID.
func (ms *memServer) deliver(mailbox string, raw []byte) uint32 {
	ms.t.Helper()
	return ms.deliverAt(mailbox, raw, time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC))
}

// deliverAt is deliver with the message's internal date.
func (ms *memServer) deliverAt(mailbox string, raw []byte, at time.Time) uint32 {
	ms.t.Helper()
	if err := ms.user.Create(mailbox, nil); err != nil && !strings.Contains(err.Error(), "exist") {
		ms.t.Fatal(err)
	}
	data, err := ms.user.Append(mailbox, memLiteral{bytes.NewReader(raw)}, &imap.AppendOptions{Time: at})
	if err != nil {
		ms.t.Fatal(err)
	}
	return uint32(data.UID)
}

func (ms *memServer) count(cmd string) int {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	n := 0
	for _, c := range ms.commands {
		if c == cmd {
			n++
		}
	}
	return n
}

func (ms *memServer) note(cmd string) {
	ms.mu.Lock()
	ms.commands = append(ms.commands, cmd)
	ms.mu.Unlock()
}

// memMessage is what a test sees of a message in the in-memory server.
type memMessage struct {
	UID       uint32
	MessageID string
	Flags     []string // lower case: the server lower-cases keywords
}

func (m memMessage) has(flag string) bool {
	for _, f := range m.Flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
}

// messages lists mailbox (nil when it does not exist) through a client
// of its own that opens it read-only.
func (ms *memServer) messages(mailbox string) []memMessage {
	ms.t.Helper()
	c, err := imapclient.DialInsecure(net.JoinHostPort("127.0.0.1", strconv.Itoa(ms.port)), nil)
	if err != nil {
		ms.t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(memUser, memPassword).Wait(); err != nil {
		ms.t.Fatal(err)
	}
	data, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil || data.NumMessages == 0 {
		return nil
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	bufs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, Envelope: true}).Collect()
	if err != nil {
		ms.t.Fatal(err)
	}
	var out []memMessage
	for _, b := range bufs {
		m := memMessage{UID: uint32(b.UID)}
		if b.Envelope != nil {
			m.MessageID = b.Envelope.MessageID
		}
		for _, f := range b.Flags {
			m.Flags = append(m.Flags, string(f))
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b memMessage) int { return cmp.Compare(a.UID, b.UID) })
	return out
}

type memSession struct {
	*imapmemserver.UserSession // nil until login
	srv                        *memServer
}

func (s *memSession) Login(username, password string) error {
	if err := s.srv.user.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.srv.user)
	return nil
}

func (s *memSession) Select(name string, o *imap.SelectOptions) (*imap.SelectData, error) {
	data, err := s.UserSession.Select(name, o)
	s.srv.mu.Lock()
	noKeywords := s.srv.noKeywords
	s.srv.mu.Unlock()
	if err == nil && noKeywords {
		data.PermanentFlags = slices.DeleteFunc(slices.Clone(data.PermanentFlags), func(f imap.Flag) bool { return f == imap.FlagWildcard })
	}
	return data, err
}

func (s *memSession) Search(kind imapserver.NumKind, c *imap.SearchCriteria, o *imap.SearchOptions) (*imap.SearchData, error) {
	if len(c.Header) == 0 || c.Header[0].Key != "Message-ID" {
		s.srv.note("SEARCH")
	}
	data, err := s.UserSession.Search(kind, c, o)
	s.srv.mu.Lock()
	hidden := s.srv.unindexed
	s.srv.mu.Unlock()
	if err != nil || kind != imapserver.NumKindUID || len(hidden) == 0 {
		return data, err
	}
	all, _ := data.All.(imap.UIDSet)
	nums, _ := all.Nums()
	var found imap.UIDSet
	for _, u := range nums {
		if !hidden[uint32(u)] {
			found.AddNum(u)
		}
	}
	n, _ := found.Nums()
	data.All, data.Count, data.Min, data.Max = found, uint32(len(n)), 0, 0
	if len(n) > 0 {
		data.Min, data.Max = uint32(n[0]), uint32(n[len(n)-1])
	}
	return data, nil
}

func (s *memSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, o *imap.FetchOptions) error {
	if len(o.BodySection) > 0 && o.BodySection[0].Specifier == imap.PartSpecifierNone {
		s.srv.note("FETCH")
		if set, ok := numSet.(imap.UIDSet); ok {
			nums, _ := set.Nums()
			s.srv.mu.Lock()
			refused := slices.ContainsFunc(nums, func(u imap.UID) bool { return s.srv.refuse[uint32(u)] })
			s.srv.mu.Unlock()
			if refused {
				return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "UID FETCH Server error - Please try again later"}
			}
		}
	}
	return s.UserSession.Fetch(w, numSet, o)
}

func (s *memSession) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, o *imap.StoreOptions) error {
	s.srv.note("STORE")
	return s.UserSession.Store(w, numSet, flags, o)
}

func (s *memSession) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	s.srv.note("MOVE")
	return s.UserSession.Move(w, numSet, dest)
}

func (s *memSession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	s.srv.note("COPY")
	return s.UserSession.Copy(numSet, dest)
}

// run sweeps with o and returns the summary and the entries, failing the
// test on an error.
func run(t testing.TB, o Options) (Summary, []report.Entry) {
	t.Helper()
	sum, entries, err := tryRun(t, o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return sum, entries
}

func tryRun(t testing.TB, o Options) (Summary, []report.Entry, error) {
	t.Helper()
	var entries []report.Entry
	var logs bytes.Buffer
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, err := Run(ctx, o, func(e report.Entry) error {
		// Every entry must survive the public JSON format.
		if _, err := json.Marshal(e); err != nil {
			t.Errorf("entry %s: %v", e.Source, err)
		}
		entries = append(entries, e)
		return nil
	})
	checkNoSecrets(t, "log", logs.String())
	return sum, entries, err
}

// checkNoSecrets fails when text shows a LinkedIn accept link or one of
// its tokens, or the test password.
func checkNoSecrets(t testing.TB, what, text string) {
	t.Helper()
	for _, bad := range []string{"invite-accept", "midToken", "otpToken", "sharedKey", memPassword} {
		if strings.Contains(text, bad) {
			t.Errorf("%s shows %q", what, bad)
		}
	}
}

// byKind splits entries into invitations (new ones first) and the rest.
func invitations(entries []report.Entry) (fresh, carried []report.Entry) {
	for _, e := range entries {
		if e.Kind != report.KindInvitation {
			continue
		}
		if e.New != nil && *e.New {
			fresh = append(fresh, e)
		} else {
			carried = append(carried, e)
		}
	}
	return fresh, carried
}

func kinds(entries []report.Entry, k report.Kind) []report.Entry {
	var out []report.Entry
	for _, e := range entries {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// show prints an optional flag of an entry.
func show(b *bool) string {
	if b == nil {
		return "unset"
	}
	return strconv.FormatBool(*b)
}
