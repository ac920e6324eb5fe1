package inbox

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func dialTest(t *testing.T, a Account, o DialOptions) *Session {
	t.Helper()
	s, err := Dial(context.Background(), a, o)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestDialAuth(t *testing.T) {
	tests := []struct {
		name  string
		mechs []string // offered by the server
		auth  string
		token string // from token_command
	}{
		{"authenticate plain", nil, "", ""},
		{"login", []string{}, "", ""},
		{"xoauth2", nil, AuthXOAuth2, testToken},
		{"oauthbearer", nil, AuthOAuthBearer, testToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, testServerOptions{mechs: tt.mechs})
			a := ts.account(t)
			if tt.auth != "" {
				a.Auth, a.PasswordEnv, a.TokenCommand = tt.auth, "", "printf '%s\\n' "+tt.token
			}
			s := dialTest(t, a, DialOptions{})
			st, err := s.Select(context.Background(), "INBOX")
			if err != nil {
				t.Fatalf("Select after %s login: %v", tt.name, err)
			}
			if st.UIDValidity == 0 {
				t.Errorf("Select: UIDValidity = 0")
			}
			if err := s.Logout(); err != nil {
				t.Errorf("Logout: %v", err)
			}
		})
	}
}

func TestDialAuthRefused(t *testing.T) {
	tests := []struct {
		name       string
		mechs      []string
		auth       string
		secret     string
		wantMech   string
		wantStatus string
	}{
		{"authenticate plain", nil, "", "wrong-password", "AUTHENTICATE PLAIN", ""},
		{"login", []string{}, "", "wrong-password", "LOGIN", ""},
		{"xoauth2", nil, AuthXOAuth2, "expired-token", XOAuth2, "401"},
		{"oauthbearer", nil, AuthOAuthBearer, "expired-token", "OAUTHBEARER", "invalid_token"},
		{"xoauth2 not offered", []string{"PLAIN"}, AuthXOAuth2, testToken, XOAuth2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, testServerOptions{mechs: tt.mechs})
			a := ts.account(t)
			if tt.auth != "" {
				a.Auth, a.PasswordEnv, a.TokenCommand = tt.auth, "", "echo "+tt.secret
			} else {
				t.Setenv("TRIAGE_TEST_PASSWORD", tt.secret)
			}
			s, err := Dial(context.Background(), a, DialOptions{})
			if err == nil {
				s.Close()
				t.Fatal("Dial with a bad secret succeeded")
			}
			var ae *AuthError
			if !errors.Is(err, ErrAuth) || !errors.As(err, &ae) {
				t.Fatalf("Dial error = %v, want an *AuthError wrapping ErrAuth", err)
			}
			if ae.Mechanism != tt.wantMech || ae.OAuthStatus != tt.wantStatus || ae.Hint == "" {
				t.Errorf("AuthError = %+v, want mechanism %q, oauth status %q and a hint", ae, tt.wantMech, tt.wantStatus)
			}
			if strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error %q contains the secret", err)
			}
		})
	}
}

func TestAuthHint(t *testing.T) {
	tests := []struct{ host, auth, want string }{
		{"imap.gmail.com", "", "app password"},
		{"imap.gmail.com", AuthXOAuth2, "mail.google.com"},
		{"outlook.office365.com", "", `auth = "xoauth2"`},
		{"mail.example.org", "", "password_command"},
	}
	for _, tt := range tests {
		a := Account{Host: tt.host, Auth: tt.auth}.WithDefaults()
		if got := authHint(a); !strings.Contains(got, tt.want) {
			t.Errorf("authHint(%q, %q) = %q, want it to mention %q", tt.host, tt.auth, got, tt.want)
		}
	}
}

func TestDialTLS(t *testing.T) {
	for _, mode := range []string{TLSImplicit, TLSStartTLS} {
		t.Run(mode, func(t *testing.T) {
			ts := newTestServer(t, testServerOptions{tls: mode})
			for _, host := range []string{"127.0.0.1", "localhost"} {
				a := ts.account(t)
				a.Host = host
				var trace bytes.Buffer
				s := dialTest(t, a, DialOptions{Trace: &trace})
				if _, err := s.Select(context.Background(), "INBOX"); err != nil {
					t.Errorf("%s over %s: Select: %v", host, mode, err)
				}
				if !strings.Contains(trace.String(), "TLS established") {
					t.Errorf("trace over %s lacks the TLS note:\n%s", mode, trace.String())
				}
				if mode == TLSStartTLS && !strings.Contains(trace.String(), "C: S0 STARTTLS") {
					t.Errorf("trace lacks STARTTLS:\n%s", trace.String())
				}
				s.Logout()
			}

			// Without the test CA the certificate does not verify.
			a := ts.account(t)
			a.TLSCAFile = ""
			s, err := Dial(context.Background(), a, DialOptions{})
			if err == nil {
				s.Close()
				t.Fatal("Dial without tls_ca_file succeeded against a private CA")
			}
			if !errors.Is(err, ErrConnect) || !strings.Contains(err.Error(), "tls_ca_file") {
				t.Errorf("Dial without CA: error = %v, want ErrConnect with a tls_ca_file hint", err)
			}

			// A certificate for another name does not verify either.
			other := newTestServer(t, testServerOptions{tls: mode, certName: "imap.example.test"})
			s, err = Dial(context.Background(), other.account(t), DialOptions{})
			if err == nil {
				s.Close()
				t.Fatal("Dial to a name missing from the certificate succeeded")
			}
			if !errors.Is(err, ErrConnect) || !strings.Contains(err.Error(), "host must be a name the certificate is for") {
				t.Errorf("Dial with wrong name: error = %v, want ErrConnect with the host-name hint", err)
			}
		})
	}
}

func TestDialConnectRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	t.Setenv("TRIAGE_TEST_PASSWORD", "x")
	a := Account{Host: "127.0.0.1", Port: port, TLS: TLSNone, Username: "u", PasswordEnv: "TRIAGE_TEST_PASSWORD"}
	_, err = Dial(context.Background(), a, DialOptions{})
	if !errors.Is(err, ErrConnect) {
		t.Errorf("Dial to a closed port: error = %v, want ErrConnect", err)
	}
}

// rawServer accepts connections and runs serve on each.
func rawIMAPServer(t *testing.T, serve func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestDialStalledServer(t *testing.T) {
	tests := []struct {
		name  string
		serve func(net.Conn)
	}{
		{"no greeting", func(c net.Conn) { io.Copy(io.Discard, c) }},
		{"no answer to login", func(c net.Conn) {
			io.WriteString(c, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready\r\n")
			io.Copy(io.Discard, c)
		}},
		{"answer cut short", func(c net.Conn) {
			io.WriteString(c, "* OK [CAPABILITY IMAP4rev1 SASL-IR] ready\r\n* CAPAB")
			io.Copy(io.Discard, c)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			port := rawIMAPServer(t, tt.serve)
			t.Setenv("TRIAGE_TEST_PASSWORD", "x")
			a := Account{Host: "127.0.0.1", Port: port, TLS: TLSNone, Username: "u",
				PasswordEnv: "TRIAGE_TEST_PASSWORD", Timeout: Duration{300 * time.Millisecond}}
			start := time.Now()
			s, err := Dial(context.Background(), a, DialOptions{})
			if err == nil {
				s.Close()
				t.Fatal("Dial to a stalled server succeeded")
			}
			if !errors.Is(err, ErrConnect) || !errors.Is(err, ErrTimeout) {
				t.Errorf("Dial error = %v, want ErrConnect and ErrTimeout", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Dial took %v with a 300ms timeout", d)
			}
		})
	}
}

// A server that stops halfway through a message's body: the fetch ends
// with a timeout naming the server, at once, and without touching the
// connection go-imap's reader goroutine goes on reading (run with -race:
// reading the rest of the body to close the command raced with it).
func TestFetchBodyCutShort(t *testing.T) {
	port := rawIMAPServer(t, func(c net.Conn) {
		r := bufio.NewReader(c)
		io.WriteString(c, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready\r\n")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, cmd, _ := strings.Cut(strings.TrimSpace(line), " ")
			cmd = strings.ToUpper(cmd)
			var reply string
			switch {
			case strings.HasPrefix(cmd, "AUTHENTICATE"):
				reply = tag + " OK [CAPABILITY IMAP4rev1] logged in\r\n"
			case strings.HasPrefix(cmd, "SELECT"):
				reply = "* 1 EXISTS\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 6] ok\r\n" + tag + " OK [READ-WRITE] selected\r\n"
			case strings.Contains(cmd, "BODY.PEEK[]"):
				io.WriteString(c, "* 1 FETCH (UID 5 BODY[] {1000}\r\nFrom: a@li")
				io.Copy(io.Discard, r) // and nothing more
				return
			case strings.Contains(cmd, "FETCH"):
				reply = "* 1 FETCH (UID 5 RFC822.SIZE 1000 INTERNALDATE \"01-Jan-2025 00:00:00 +0000\")\r\n" + tag + " OK fetched\r\n"
			default:
				reply = tag + " OK done\r\n"
			}
			io.WriteString(c, reply)
		}
	})
	t.Setenv("TRIAGE_TEST_PASSWORD", "x")
	a := Account{Host: "127.0.0.1", Port: port, TLS: TLSNone, Username: "u", Mailbox: "INBOX",
		PasswordEnv: "TRIAGE_TEST_PASSWORD", Timeout: Duration{300 * time.Millisecond}}
	s := dialTest(t, a, DialOptions{})
	if _, err := s.Select(context.Background(), "INBOX"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var got []uint32
	var readErr error
	err := s.Fetch(context.Background(), []uint32{5}, func(m FetchedMessage) error {
		got = append(got, m.UID)
		_, readErr = io.ReadAll(m.Body)
		return nil
	})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("Fetch = %v, want a timeout naming the server", err)
	}
	if len(got) != 1 || readErr == nil {
		t.Errorf("callback saw %v, body read error %v; want uid 5 and an error", got, readErr)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Fetch took %v with a 300ms timeout", d)
	}
}

func TestStartTLSInjectionRefused(t *testing.T) {
	port := rawIMAPServer(t, func(c net.Conn) {
		io.WriteString(c, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
		buf := make([]byte, 100)
		c.Read(buf)
		// The OK and an injected response in one segment.
		io.WriteString(c, "S0 OK begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n")
		io.Copy(io.Discard, c)
	})
	t.Setenv("TRIAGE_TEST_PASSWORD", "x")
	a := Account{Host: "127.0.0.1", Port: port, TLS: TLSStartTLS, Username: "u",
		PasswordEnv: "TRIAGE_TEST_PASSWORD", Timeout: Duration{2 * time.Second}}
	_, err := Dial(context.Background(), a, DialOptions{})
	if !errors.Is(err, ErrConnect) || !strings.Contains(err.Error(), "injection") {
		t.Errorf("Dial error = %v, want ErrConnect about injection", err)
	}
}

func TestSessionStalledCommand(t *testing.T) {
	ts := newTestServer(t, testServerOptions{})
	a := ts.account(t)
	a.Timeout = Duration{300 * time.Millisecond}
	s := dialTest(t, a, DialOptions{})

	// The session may sit idle longer than the timeout without harm.
	time.Sleep(450 * time.Millisecond)
	if _, err := s.Select(context.Background(), "INBOX"); err != nil {
		t.Fatalf("Select after an idle pause: %v", err)
	}

	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	ts.mu.Lock()
	ts.stall = stall
	ts.mu.Unlock()
	start := time.Now()
	_, err := s.Select(context.Background(), "INBOX")
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("Select on a stalled server: error = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Select took %v with a 300ms timeout", d)
	}
}

func TestSessionContextCancel(t *testing.T) {
	ts := newTestServer(t, testServerOptions{})
	a := ts.account(t)
	a.Timeout = Duration{time.Minute} // so only the context can end the wait
	s := dialTest(t, a, DialOptions{})

	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	ts.mu.Lock()
	ts.stall = stall
	ts.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Select(ctx, "INBOX")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Select with an ending context: error = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Select took %v after its context ended", d)
	}

	// Ending Dial's context closes the session.
	ts2 := newTestServer(t, testServerOptions{})
	dctx, dcancel := context.WithCancel(context.Background())
	s2, err := Dial(dctx, ts2.account(t), DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	dcancel()
	select {
	case <-s2.client.Closed():
	case <-time.After(3 * time.Second):
		t.Fatal("session still open 3s after Dial's context was cancelled")
	}
	if _, err := s2.Select(context.Background(), "INBOX"); !errors.Is(err, context.Canceled) {
		t.Errorf("Select after Dial's context ended: error = %v, want context.Canceled", err)
	}
}

// seedMailbox adds the search test messages and returns their UIDs by name.
func seedIMAPMailbox(ts *testServer) map[string]uint32 {
	return map[string]uint32{
		"invitation": ts.add("INBOX", imapTestMessage("LinkedIn <invitations@linkedin.com>",
			"Jane Doe wants to connect", "inv1@linkedin.com", "Jane Doe wants to connect with you.")),
		"lookalike": ts.add("INBOX", imapTestMessage(`"LinkedIn" <notify@linked1n-mail.example>`,
			"I want to connect", "fake1@linked1n-mail.example", "Accept now.")),
		"ordinary": ts.add("INBOX", imapTestMessage("Bob <bob@example.com>",
			"Lunch on Friday?", "lunch@example.com", "See my profile on linkedin.com/in/bob")),
		"digest": ts.add("INBOX", imapTestMessage("LinkedIn <messages-noreply@linkedin.com>",
			"You have 3 new invitations", "dig1@linkedin.com", "Three people want to connect.")),
		"other": ts.add("INBOX", imapTestMessage("Alice <alice@example.org>",
			"Re: project", "re1@example.org", "wants to connect? no.")),
	}
}

var testSubjects = []string{"wants to connect", "I want to connect", "invitation is waiting"}

func TestSearchCandidates(t *testing.T) {
	t.Run("one search", func(t *testing.T) { testSearchCandidates(t, false) })
	// A server that refuses the ORs (as Microsoft Exchange does) is asked
	// one criterion at a time, with the same results.
	t.Run("server refuses OR", func(t *testing.T) { testSearchCandidates(t, true) })
}

// TestSearchCandidatesSubjectsRefused: a server that refuses every
// SUBJECT search still gets the FROM search, whose candidates the sweep
// takes; the refused subjects only cost the look-alikes.
func TestSearchCandidatesSubjectsRefused(t *testing.T) {
	ts := newTestServer(t, testServerOptions{refuseSubject: true})
	uid := seedIMAPMailbox(ts)
	s := dialTest(t, ts.account(t), DialOptions{})
	ctx := context.Background()
	if _, err := s.Select(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	got, err := s.SearchCandidates(ctx, SearchCriteria{Subjects: testSubjects})
	if want := []uint32{uid["invitation"], uid["digest"]}; err != nil || !slices.Equal(got, want) || !s.SearchSplit() {
		t.Errorf("SearchCandidates = %v, %v (split %v); want %v, split", got, err, s.SearchSplit(), want)
	}
}

func testSearchCandidates(t *testing.T, refuseOr bool) {
	ts := newTestServer(t, testServerOptions{refuseOr: refuseOr})
	uid := seedIMAPMailbox(ts)
	last := ts.add("INBOX", imapTestMessage("LinkedIn <invitations@linkedin.com>",
		"Sam Roe wants to connect", "inv2@linkedin.com", "Sam Roe wants to connect."))
	s := dialTest(t, ts.account(t), DialOptions{})
	ctx := context.Background()
	if _, err := s.Select(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		c    SearchCriteria
		want []uint32
	}{
		{SearchCriteria{Subjects: testSubjects}, []uint32{uid["invitation"], uid["lookalike"], uid["digest"], last}},
		{SearchCriteria{}, []uint32{uid["invitation"], uid["digest"], last}},
		{SearchCriteria{Subjects: testSubjects, SinceUID: uid["lookalike"]}, []uint32{uid["digest"], last}},
		// "UID n:*" with n beyond the last UID matches the last message.
		{SearchCriteria{Subjects: testSubjects, SinceUID: last}, nil},
		{SearchCriteria{Subjects: testSubjects, SinceUID: last + 10}, nil},
		// Recent ranges searched again: exactly them and what is above
		// SinceUID, nothing between.
		{SearchCriteria{Subjects: testSubjects, SinceUID: uid["digest"], Recheck: []UIDRange{{uid["invitation"], uid["invitation"]}}},
			[]uint32{uid["invitation"], last}},
		{SearchCriteria{Subjects: testSubjects, SinceUID: last, Recheck: []UIDRange{{uid["lookalike"], uid["digest"]}}},
			[]uint32{uid["lookalike"], uid["digest"]}},
		{SearchCriteria{Subjects: testSubjects, Since: time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)}, nil},
		{SearchCriteria{Subjects: testSubjects, Since: time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)},
			[]uint32{uid["invitation"], uid["lookalike"], uid["digest"], last}},
	}
	for i, tt := range tests {
		ts.mu.Lock()
		before := ts.searches
		ts.mu.Unlock()
		got, err := s.SearchCandidates(ctx, tt.c)
		if err != nil {
			t.Errorf("SearchCandidates(%v): %v", tt.c, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("SearchCandidates(%v) = %v, want %v", tt.c, got, tt.want)
		}
		ts.mu.Lock()
		n := ts.searches - before
		ts.mu.Unlock()
		// One search; or, refused, one per criterion, after the refused
		// one the first time only.
		want := 1
		if refuseOr {
			want = len(tt.c.keys())
			if i == 0 {
				want++
			}
		}
		if n != want || s.SearchSplit() != refuseOr {
			t.Errorf("SearchCandidates(%v) sent %d searches (split %v), want %d (split %v)", tt.c, n, s.SearchSplit(), want, refuseOr)
		}
	}
	if refuseOr {
		// What `triage accounts test` reports.
		r, err := s.Probe(ctx, SearchCriteria{Subjects: testSubjects})
		if err != nil || !r.SearchSplit || r.Candidates != len(tests[0].want) {
			t.Errorf("Probe = split %v, %d candidates, %v; want split, %d", r.SearchSplit, r.Candidates, err, len(tests[0].want))
		}
		return
	}

	// The server does answer "UID n:*" beyond the end with the last
	// message: the filter above is what removes it.
	data, err := s.client.UIDSearch(SearchCriteria{SinceUID: last + 10}.imapCriteria(), nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if got := uidsToUint32(data.AllUIDs()); !slices.Equal(got, []uint32{last}) {
		t.Errorf("server answered UID %d:* with %v, want [%d]: the test above no longer covers the quirk", last+11, got, last)
	}
}

func TestFetch(t *testing.T) {
	ts := newTestServer(t, testServerOptions{})
	ctx := context.Background()
	bodies := map[uint32][]byte{}
	for i := range 450 {
		msg := imapTestMessage("LinkedIn <invitations@linkedin.com>", fmt.Sprintf("Person %d wants to connect", i),
			fmt.Sprintf("inv%d@linkedin.com", i), strings.Repeat(fmt.Sprintf("line %d\r\n", i), i%7+1))
		bodies[ts.add("INBOX", msg)] = msg
	}
	big := imapTestMessage("LinkedIn <invitations@linkedin.com>", "Huge wants to connect", "huge@linkedin.com",
		strings.Repeat("x", MaxMessageSize))
	bigUID := ts.add("INBOX", big)

	var trace bytes.Buffer
	s := dialTest(t, ts.account(t), DialOptions{Trace: &trace})
	if _, err := s.Select(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	uids, err := s.SearchCandidates(ctx, SearchCriteria{Subjects: testSubjects})
	if err != nil {
		t.Fatal(err)
	}
	if len(uids) != len(bodies)+1 {
		t.Fatalf("SearchCandidates found %d, want %d", len(uids), len(bodies)+1)
	}
	got := map[uint32]bool{}
	var tooLarge []uint32
	err = s.Fetch(ctx, uids, func(m FetchedMessage) error {
		if got[m.UID] {
			t.Errorf("uid %d delivered twice", m.UID)
		}
		got[m.UID] = true
		if m.TooLarge {
			tooLarge = append(tooLarge, m.UID)
			if m.Body != nil || m.Size <= MaxMessageSize {
				t.Errorf("too large uid %d: Body = %v, Size = %d", m.UID, m.Body, m.Size)
			}
			return nil
		}
		b, err := io.ReadAll(m.Body)
		if err != nil {
			return err
		}
		if !bytes.Equal(b, bodies[m.UID]) {
			t.Errorf("uid %d: body = %q, want %q", m.UID, b, bodies[m.UID])
		}
		if m.Size != int64(len(b)) || m.InternalDate.IsZero() {
			t.Errorf("uid %d: Size = %d (body %d bytes), InternalDate = %v", m.UID, m.Size, len(b), m.InternalDate)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if len(got) != len(uids) {
		t.Errorf("Fetch delivered %d messages, want %d", len(got), len(uids))
	}
	if !slices.Equal(tooLarge, []uint32{bigUID}) {
		t.Errorf("too large = %v, want [%d]", tooLarge, bigUID)
	}
	// The large message's body never crossed the wire.
	if strings.Contains(trace.String(), fmt.Sprintf("{%d bytes}", len(big))) {
		t.Errorf("the too-large message was downloaded")
	}
	// One body command per chunk, one after the other: pipelined FETCHes
	// deadlock go-imap against servers that answer them in parallel (see
	// fetchBodies).
	chunks := 0
	for range fetchChunks(uids) {
		chunks++
	}
	if n := strings.Count(trace.String(), "BODY.PEEK[]"); n != chunks {
		t.Errorf("trace shows %d BODY.PEEK[] commands, want %d (one per chunk)", n, chunks)
	}

	// Nothing was marked read.
	bufs, err := s.client.Fetch(uidSet(uids...), &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bufs {
		if hasFlag(b.Flags, string(imap.FlagSeen)) {
			t.Errorf("uid %d is \\Seen after Fetch", b.UID)
		}
	}

	// An error from fn stops the fetch and leaves the session usable.
	stop := errors.New("stop")
	n := 0
	err = s.Fetch(ctx, uids, func(m FetchedMessage) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("Fetch with fn failing at 3: error = %v after %d calls", err, n)
	}
	if again, err := s.SearchCandidates(ctx, SearchCriteria{Subjects: testSubjects}); err != nil || len(again) != len(uids) {
		t.Errorf("SearchCandidates after a stopped Fetch = %d, %v", len(again), err)
	}
}

func TestFindByMessageID(t *testing.T) {
	ts := newTestServer(t, testServerOptions{})
	a := ts.add("INBOX", imapTestMessage("LinkedIn <invitations@linkedin.com>", "A wants to connect", "abc@linkedin.com", "a"))
	ts.add("INBOX", imapTestMessage("LinkedIn <invitations@linkedin.com>", "B wants to connect", "xabc@linkedin.com.example", "b"))
	s := dialTest(t, ts.account(t), DialOptions{})
	ctx := context.Background()
	if _, err := s.Select(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"abc@linkedin.com", "<abc@linkedin.com>"} {
		got, err := s.FindByMessageID(ctx, id)
		if err != nil || !slices.Equal(got, []uint32{a}) {
			t.Errorf("FindByMessageID(%q) = %v, %v, want [%d]", id, got, err, a)
		}
	}
	if got, err := s.FindByMessageID(ctx, "missing@linkedin.com"); err != nil || len(got) != 0 {
		t.Errorf("FindByMessageID(missing) = %v, %v, want none", got, err)
	}

	// A Message-ID with a comment beside it, and one folded: found by the
	// ID Parse reads from the same message.
	for _, field := range []string{"<cmt@linkedin.com> (relayed by mx1)", "\r\n <folded@linkedin.com>"} {
		raw := []byte("From: LinkedIn <invitations@linkedin.com>\r\nSubject: C wants to connect\r\nMessage-ID: " + field +
			"\r\nDate: Tue, 04 Mar 2025 10:00:00 +0000\r\nContent-Type: text/plain\r\n\r\nc\r\n")
		uid := ts.add("INBOX", raw)
		msg, _ := ParseBytes(raw)
		if msg.MessageID == "" || strings.ContainsAny(msg.MessageID, "<> ") {
			t.Fatalf("Parse read Message-ID %q from %q", msg.MessageID, field)
		}
		if _, err := s.Select(ctx, "INBOX"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.FindByMessageID(ctx, msg.MessageID); err != nil || !slices.Equal(got, []uint32{uid}) {
			t.Errorf("FindByMessageID(%q) of a header %q = %v, %v, want [%d]", msg.MessageID, field, got, err, uid)
		}
	}
}

// mailboxUIDs lists the UIDs in mailbox and their flags, through a
// separate session.
func imapMailboxFlags(t *testing.T, ts *testServer, mailbox string) map[uint32][]imap.Flag {
	t.Helper()
	s := dialTest(t, ts.account(t), DialOptions{})
	defer s.Logout()
	if _, err := s.Select(context.Background(), mailbox); err != nil {
		t.Fatalf("select %s: %v", mailbox, err)
	}
	bufs, err := s.client.Fetch(imap.UIDSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32][]imap.Flag{}
	for _, b := range bufs {
		out[uint32(b.UID)] = b.Flags
	}
	return out
}

func TestApply(t *testing.T) {
	ctx := context.Background()
	ts := newTestServer(t, testServerOptions{})
	uid := seedIMAPMailbox(ts)
	s := dialTest(t, ts.account(t), DialOptions{})
	if _, err := s.Select(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}

	// Keyword and seen.
	act := Action{Keyword: "$Triage_clarify", MarkSeen: true}
	res, err := s.Apply(ctx, uid["invitation"], act, true)
	if err != nil || !slices.Equal(res.Done, []string{"keyword $Triage_clarify", "mark seen"}) {
		t.Errorf("Apply(keyword, seen) = %+v, %v", res, err)
	}
	flags := imapMailboxFlags(t, ts, "INBOX")[uid["invitation"]]
	if !hasFlag(flags, "$Triage_clarify") || !hasFlag(flags, `\Seen`) {
		t.Errorf("flags after Apply = %v", flags)
	}
	// Again: nothing to do (the server stored the keyword in lower case).
	before := len(ts.recorded())
	res, err = s.Apply(ctx, uid["invitation"], act, true)
	if err != nil || len(res.Done) != 0 || len(res.Skipped) != 2 {
		t.Errorf("second Apply = %+v, %v, want both steps skipped", res, err)
	}
	if calls := ts.recorded()[before:]; len(calls) != 0 {
		t.Errorf("second Apply sent %v", calls)
	}

	// Copy to a new mailbox, then move to another new one.
	res, err = s.Apply(ctx, uid["digest"], Action{CopyTo: "LinkedIn", MoveTo: "LinkedIn/Ignore"}, true)
	if err != nil || !slices.Equal(res.Done, []string{"copy LinkedIn", "move LinkedIn/Ignore"}) || res.MovedUID == 0 {
		t.Fatalf("Apply(copy, move) = %+v, %v", res, err)
	}
	if _, ok := imapMailboxFlags(t, ts, "INBOX")[uid["digest"]]; ok {
		t.Errorf("moved message still in INBOX")
	}
	if got := imapMailboxFlags(t, ts, "LinkedIn"); len(got) != 1 {
		t.Errorf("LinkedIn holds %d messages, want 1", len(got))
	}
	if _, ok := imapMailboxFlags(t, ts, "LinkedIn/Ignore")[res.MovedUID]; !ok {
		t.Errorf("LinkedIn/Ignore lacks uid %d", res.MovedUID)
	}
	if !slices.ContainsFunc(ts.recorded(), func(c string) bool { return strings.HasPrefix(c, "MOVE") }) {
		t.Errorf("no MOVE sent though the server has MOVE: %v", ts.recorded())
	}

	// Gone.
	if _, err := s.Apply(ctx, uid["digest"], Action{Keyword: "$x"}, true); !errors.Is(err, ErrMessageGone) {
		t.Errorf("Apply on a moved message: error = %v, want ErrMessageGone", err)
	}

	// allowMove false keeps the message in place.
	res, err = s.Apply(ctx, uid["lookalike"], Action{MoveTo: "LinkedIn/Ignore", Keyword: "$Triage_ignore"}, false)
	if err != nil || !slices.Equal(res.Done, []string{"keyword $Triage_ignore"}) || len(res.Skipped) != 1 {
		t.Errorf("Apply without allowMove = %+v, %v", res, err)
	}
	if _, ok := imapMailboxFlags(t, ts, "INBOX")[uid["lookalike"]]; !ok {
		t.Errorf("message moved although allowMove was false")
	}

	if _, err := s.Apply(ctx, uid["other"], Action{Keyword: "bad keyword"}, true); err == nil {
		t.Errorf("Apply with an invalid keyword succeeded")
	}
}

func TestApplyCreatesWithoutTryCreate(t *testing.T) {
	ctx := context.Background()
	for _, caps := range []imap.CapSet{
		{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}},
		{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}},
	} {
		ts := newTestServer(t, testServerOptions{caps: caps, noTryCreate: true})
		uid := seedIMAPMailbox(ts)
		s := dialTest(t, ts.account(t), DialOptions{})
		if _, err := s.Select(ctx, "INBOX"); err != nil {
			t.Fatal(err)
		}
		res, err := s.Apply(ctx, uid["invitation"], Action{CopyTo: "Label", MoveTo: "Archive"}, true)
		if err != nil || len(res.Done) != 2 {
			t.Errorf("Apply(copy, move) to new mailboxes, server without TRYCREATE (caps %v) = %+v, %v", caps, res, err)
			continue
		}
		if n := len(imapMailboxFlags(t, ts, "Label")); n != 1 {
			t.Errorf("Label holds %d messages, want 1", n)
		}
		if n := len(imapMailboxFlags(t, ts, "Archive")); n != 1 {
			t.Errorf("Archive holds %d messages, want 1", n)
		}
	}
}

// TestMailboxNamingFallback checks how the session learns the server's
// mailbox naming before a move: NAMESPACE when announced; when it is
// refused, LIST's separator; the move goes through either way.
func TestMailboxNamingFallback(t *testing.T) {
	ctx := context.Background()
	for _, bad := range []bool{false, true} {
		caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}, imap.CapNamespace: {}}
		ts := newTestServer(t, testServerOptions{caps: caps, badNamespace: bad})
		uid := seedIMAPMailbox(ts)
		var trace bytes.Buffer
		s := dialTest(t, ts.account(t), DialOptions{Trace: &trace})
		if _, err := s.Select(ctx, "INBOX"); err != nil {
			t.Fatal(err)
		}
		if res, err := s.Apply(ctx, uid["invitation"], Action{MoveTo: "LinkedIn/Ignore"}, true); err != nil || len(res.Done) != 1 {
			t.Fatalf("NAMESPACE refused %v: Apply(move) = %+v, %v", bad, res, err)
		}
		if n := len(imapMailboxFlags(t, ts, "LinkedIn/Ignore")); n != 1 {
			t.Errorf("NAMESPACE refused %v: LinkedIn/Ignore holds %d messages, want 1", bad, n)
		}
		asked := func(cmd string) bool { return regexp.MustCompile(`C: \S+ ` + cmd).MatchString(trace.String()) }
		if !asked("NAMESPACE") || asked(`LIST "" ""`) != bad {
			t.Errorf("NAMESPACE refused %v: trace asked NAMESPACE %v, LIST \"\" \"\" %v; want LIST only after a refusal:\n%s",
				bad, asked("NAMESPACE"), asked(`LIST "" ""`), trace.String())
		}
	}
}

func TestApplyNoKeywords(t *testing.T) {
	ctx := context.Background()
	ts := newTestServer(t, testServerOptions{noKeywords: true})
	uid := seedIMAPMailbox(ts)
	s := dialTest(t, ts.account(t), DialOptions{})
	st, err := s.Select(ctx, "INBOX")
	if err != nil || st.KeywordsAllowed {
		t.Fatalf("Select = %+v, %v, want keywords not allowed", st, err)
	}
	res, err := s.Apply(ctx, uid["invitation"], Action{Keyword: "$Triage_accept"}, true)
	if err != nil || len(res.Done) != 0 || len(res.Skipped) != 1 {
		t.Errorf("Apply(keyword) without \\* = %+v, %v", res, err)
	}
	if calls := ts.recorded(); len(calls) != 0 {
		t.Errorf("server got %v", calls)
	}
}

func TestMoveFallback(t *testing.T) {
	ctx := context.Background()
	rev1UIDPlus := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}

	t.Run("uidplus", func(t *testing.T) {
		ts := newTestServer(t, testServerOptions{caps: rev1UIDPlus})
		uid := seedIMAPMailbox(ts)
		// A message the user marked \Deleted: a plain EXPUNGE would remove it.
		keep := ts.add("INBOX", imapTestMessage("c@example.com", "draft", "d@example.com", "x"), imap.FlagDeleted)
		s := dialTest(t, ts.account(t), DialOptions{})
		if _, err := s.Select(ctx, "INBOX"); err != nil {
			t.Fatal(err)
		}
		if s.Caps().Move || !s.Caps().UIDPlus {
			t.Fatalf("Caps = %+v, want UIDPLUS without MOVE", s.Caps())
		}
		res, err := s.Apply(ctx, uid["invitation"], Action{MoveTo: "LinkedIn/Accept"}, true)
		if err != nil || !slices.Equal(res.Done, []string{"move LinkedIn/Accept"}) {
			t.Fatalf("Apply(move) = %+v, %v", res, err)
		}
		want := []string{
			fmt.Sprintf("COPY %d LinkedIn/Accept", uid["invitation"]), // NO [TRYCREATE]
			fmt.Sprintf("COPY %d LinkedIn/Accept", uid["invitation"]),
			fmt.Sprintf(`STORE %d [\Deleted]`, uid["invitation"]),
			fmt.Sprintf("EXPUNGE %d", uid["invitation"]),
		}
		if got := ts.recorded(); !slices.Equal(got, want) {
			t.Errorf("server got %q, want %q", got, want)
		}
		inbox := imapMailboxFlags(t, ts, "INBOX")
		if _, ok := inbox[uid["invitation"]]; ok {
			t.Errorf("moved message still in INBOX")
		}
		if _, ok := inbox[keep]; !ok {
			t.Errorf("another \\Deleted message was expunged")
		}
		if got := imapMailboxFlags(t, ts, "LinkedIn/Accept"); len(got) != 1 {
			t.Errorf("LinkedIn/Accept holds %d messages, want 1", len(got))
		}
	})

	t.Run("copy fails", func(t *testing.T) {
		ts := newTestServer(t, testServerOptions{caps: rev1UIDPlus})
		uid := seedIMAPMailbox(ts)
		ts.user.Create("LinkedIn", nil)
		ts.copyFail = true
		s := dialTest(t, ts.account(t), DialOptions{})
		if _, err := s.Select(ctx, "INBOX"); err != nil {
			t.Fatal(err)
		}
		res, err := s.Apply(ctx, uid["invitation"], Action{MoveTo: "LinkedIn"}, true)
		if err == nil || len(res.Done) != 0 {
			t.Fatalf("Apply(move) with failing COPY = %+v, %v, want an error", res, err)
		}
		for _, c := range ts.recorded() {
			if !strings.HasPrefix(c, "COPY") {
				t.Errorf("after a failed COPY the server got %q", c)
			}
		}
		flags, ok := imapMailboxFlags(t, ts, "INBOX")[uid["invitation"]]
		if !ok || hasFlag(flags, `\Deleted`) {
			t.Errorf("message after failed move: present %v, flags %v", ok, flags)
		}
	})

	t.Run("neither", func(t *testing.T) {
		ts := newTestServer(t, testServerOptions{caps: imap.CapSet{imap.CapIMAP4rev1: {}}})
		uid := seedIMAPMailbox(ts)
		s := dialTest(t, ts.account(t), DialOptions{})
		if _, err := s.Select(ctx, "INBOX"); err != nil {
			t.Fatal(err)
		}
		_, err := s.Apply(ctx, uid["invitation"], Action{Keyword: "$Triage_accept", MoveTo: "LinkedIn"}, true)
		if !errors.Is(err, ErrCannotMove) {
			t.Errorf("Apply(move) without MOVE and UIDPLUS: error = %v, want ErrCannotMove", err)
		}
		if calls := ts.recorded(); len(calls) != 0 {
			t.Errorf("server got %v, want nothing", calls)
		}
		// Keywords alone still work.
		if res, err := s.Apply(ctx, uid["invitation"], Action{Keyword: "$Triage_accept"}, true); err != nil || len(res.Done) != 1 {
			t.Errorf("Apply(keyword) = %+v, %v", res, err)
		}
	})
}

func TestProbe(t *testing.T) {
	ts := newTestServer(t, testServerOptions{})
	seedIMAPMailbox(ts)
	s := dialTest(t, ts.account(t), DialOptions{})
	r, err := s.Probe(context.Background(), SearchCriteria{Subjects: testSubjects})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Capabilities.Move || !r.Capabilities.UIDPlus || !r.Capabilities.SpecialUse || r.Capabilities.CondStore {
		t.Errorf("Probe capabilities = %+v", r.Capabilities)
	}
	if r.Mailbox.Messages != 5 || !r.Mailbox.KeywordsAllowed || r.Candidates != 3 {
		t.Errorf("Probe = %+v, want 5 messages, keywords allowed, 3 candidates", r)
	}
	if !strings.Contains(r.Search, `FROM "linkedin.com"`) || !strings.Contains(r.Search, `SUBJECT "I want to connect"`) {
		t.Errorf("Probe search = %q", r.Search)
	}
	if flags := imapMailboxFlags(t, ts, "INBOX"); len(flags) != 5 {
		t.Errorf("INBOX has %d messages after Probe", len(flags))
	} else {
		for u, f := range flags {
			if len(f) != 0 {
				t.Errorf("uid %d has flags %v after Probe", u, f)
			}
		}
	}
}

// TestFetchNotServed checks that a message the server will not send
// spoils only itself: when a FETCH of many messages is refused (Yahoo's
// "NO [UNAVAILABLE]" for one message it cannot serve), each is asked for
// alone and the refused one is reported with ErrNotServed; a message the
// server leaves out of an OK answer (Exchange) is reported too, not taken
// for one the user deleted.
func TestFetchNotServed(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts func(bad uint32) testServerOptions
		want string // in the bad message's Err
	}{
		{"body refused", func(bad uint32) testServerOptions {
			return testServerOptions{refuseFetch: map[uint32]bool{bad: true}}
		}, "UNAVAILABLE"},
		{"size refused", func(bad uint32) testServerOptions {
			return testServerOptions{refuseFetch: map[uint32]bool{bad: true}, refuseSizes: true}
		}, "asked for its size"},
		{"body withheld", func(bad uint32) testServerOptions {
			return testServerOptions{withhold: map[uint32]bool{bad: true}}
		}, "without it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n, badIndex = 300, 270 // the bad one is in the second chunk
			_, s := invitationSession(t, tc.opts(badIndex+1), n)
			ctx := context.Background()
			uids := make([]uint32, n)
			for i := range uids {
				uids[i] = uint32(i + 1)
			}
			bodies, failed := 0, map[uint32]error{}
			err := s.Fetch(ctx, uids, func(m FetchedMessage) error {
				if m.Err != nil {
					failed[m.UID] = m.Err
					return nil
				}
				b, err := io.ReadAll(m.Body)
				if err != nil || !bytes.Contains(b, []byte("Hello")) {
					t.Errorf("uid %d: body %q, %v", m.UID, b, err)
				}
				bodies++
				return nil
			})
			if err != nil {
				t.Fatalf("Fetch: %v; want the other messages fetched", err)
			}
			bad := uint32(badIndex + 1)
			if bodies != n-1 || len(failed) != 1 || failed[bad] == nil {
				t.Fatalf("%d bodies, not served: %v; want %d bodies and uid %d not served", bodies, failed, n-1, bad)
			}
			if !errors.Is(failed[bad], ErrNotServed) || !strings.Contains(failed[bad].Error(), tc.want) {
				t.Errorf("uid %d: Err = %v, want ErrNotServed saying %q", bad, failed[bad], tc.want)
			}
			// The session is still usable.
			if _, err := s.Select(ctx, "INBOX"); err != nil {
				t.Errorf("select after the fetch: %v", err)
			}
		})
	}
}

// invitationSession starts a test server with opts holding n invitation
// messages (UIDs 1 to n) and returns it with a session that selected its
// INBOX.
func invitationSession(t *testing.T, opts testServerOptions, n int) (*testServer, *Session) {
	t.Helper()
	ts := newTestServer(t, opts)
	for i := range n {
		ts.add("INBOX", imapTestMessage("LinkedIn <invitations@linkedin.com>", fmt.Sprintf("Person %d wants to connect", i),
			fmt.Sprintf("inv%d@linkedin.com", i), "Hello\r\n"))
	}
	s := dialTest(t, ts.account(t), DialOptions{})
	if _, err := s.Select(context.Background(), "INBOX"); err != nil {
		t.Fatal(err)
	}
	return ts, s
}

// TestFetchServerRefusesAll checks that a server refusing every FETCH,
// for the account (Gmail's "[OVERQUOTA] Account exceeded command or
// bandwidth limits") or while a backend is down, fails the fetch rather
// than reporting every message as one it cannot serve, which would count
// an attempt against each and, after a few sweeps, give them all up.
func TestFetchServerRefusesAll(t *testing.T) {
	for _, code := range []imap.ResponseCode{"OVERQUOTA", imap.ResponseCodeUnavailable} {
		t.Run(string(code), func(t *testing.T) {
			ts, s := invitationSession(t, testServerOptions{fetchCode: code}, 5)
			ctx := context.Background()
			reported := 0
			err := s.Fetch(ctx, []uint32{1, 2, 3, 4, 5}, func(m FetchedMessage) error { reported++; return nil })
			if !errors.Is(err, ErrUnavailable) || reported != 0 {
				t.Fatalf("Fetch = %v after reporting %d messages; want ErrUnavailable and none reported", err, reported)
			}
			// Over quota, asking again message by message would only
			// make it worse.
			want := 6
			if code == "OVERQUOTA" {
				want = 1
			}
			if n := ts.count("FETCH refused"); n != want {
				t.Errorf("%d body FETCHes sent, want %d", n, want)
			}
		})
	}
}

// TestFetchVanished checks that a message expunged by another client
// between its size and its body is taken for gone, not reported as one the
// server would not send.
func TestFetchVanished(t *testing.T) {
	_, s := invitationSession(t, testServerOptions{vanish: map[uint32]bool{2: true}}, 3)
	ctx := context.Background()
	var got []uint32
	err := s.Fetch(ctx, []uint32{1, 2, 3}, func(m FetchedMessage) error {
		if m.Err != nil {
			t.Errorf("uid %d reported: %v", m.UID, m.Err)
		}
		got = append(got, m.UID)
		return nil
	})
	if err != nil || !slices.Equal(got, []uint32{1, 3}) {
		t.Errorf("Fetch = %v, delivered %v; want 1 and 3, and 2 left out as gone", err, got)
	}
}

// TestServerUnavailable checks that a server saying it cannot serve now
// (NO [UNAVAILABLE]: over its connection limit, a backend down) is told
// from a refused password and from a mistake in the config: the error is
// ErrUnavailable, with no hint to change the password, so that a
// scheduled sweep just runs again.
func TestServerUnavailable(t *testing.T) {
	ctx := context.Background()
	t.Run("login", func(t *testing.T) {
		ts := newTestServer(t, testServerOptions{busyLogin: true})
		_, err := Dial(ctx, ts.account(t), DialOptions{})
		if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "Maximum number of connections") {
			t.Fatalf("Dial error = %v, want ErrUnavailable with the server's words, not a refused login", err)
		}
	})
	t.Run("search", func(t *testing.T) {
		ts := newTestServer(t, testServerOptions{busySearch: true})
		s := dialTest(t, ts.account(t), DialOptions{})
		if _, err := s.Select(ctx, "INBOX"); err != nil {
			t.Fatal(err)
		}
		_, err := s.SearchCandidates(ctx, SearchCriteria{Subjects: testSubjects})
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("search error = %v, want ErrUnavailable", err)
		}
		// Not taken for a refusal of the combined search's form.
		if s.SearchSplit() || ts.searches != 1 {
			t.Errorf("after [UNAVAILABLE]: split %v, %d searches; want no split, 1 search", s.SearchSplit(), ts.searches)
		}
	})
	t.Run("exchange", func(t *testing.T) {
		// Mostly a problem of the account (a token for another user, an
		// app without access to the mailbox): a refused login with a
		// hint, not a busy server.
		ts := newTestServer(t, testServerOptions{selectBad: "User is authenticated but not connected."})
		s := dialTest(t, ts.account(t), DialOptions{})
		_, err := s.Select(ctx, "INBOX")
		var ae *AuthError
		if !errors.Is(err, ErrAuth) || !errors.As(err, &ae) || !strings.Contains(ae.Hint, "FullAccess") || errors.Is(err, ErrUnavailable) {
			t.Fatalf("select answered %q: %v; want an AuthError with the mailbox-access hint", "User is authenticated but not connected.", err)
		}
	})
	t.Run("nonexistent mailbox", func(t *testing.T) {
		ts := newTestServer(t, testServerOptions{})
		s := dialTest(t, ts.account(t), DialOptions{})
		_, err := s.Select(ctx, "No Such Folder")
		if err == nil || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrSession) {
			t.Fatalf("select of a missing mailbox: %v; want the server's NO as it is (a config mistake)", err)
		}
	})
}
