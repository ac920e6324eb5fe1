package dovecottest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"iter"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

func testMessage(i int, subject string) []byte {
	return []byte(fmt.Sprintf("From: Sender %d <sender%d@example.org>\r\n"+
		"To: triage@example.net\r\n"+
		"Subject: %s\r\n"+
		"Date: Mon, 3 Mar 2025 10:00:00 +0000\r\n"+
		"Message-ID: <msg-%d@dovecottest.example>\r\n"+
		"MIME-Version: 1.0\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n"+
		"\r\n"+
		"Body of message %d.\r\n", i, i, subject, i, i))
}

func TestLoginOverEveryListener(t *testing.T) {
	s := Start(t, Options{})
	for _, sec := range []Security{Plain, StartTLS, ImplicitTLS} {
		t.Run(sec.String(), func(t *testing.T) {
			c, err := s.Dial(sec, nil)
			if err != nil {
				t.Fatalf("Dial(%v) = %v", sec, err)
			}
			defer c.Close()
			caps, err := c.Capability().Wait()
			if err != nil {
				t.Fatalf("CAPABILITY: %v", err)
			}
			// Only the unencrypted connection is offered STARTTLS.
			if got, want := caps.Has(imap.CapStartTLS), sec == Plain; got != want {
				t.Errorf("%v: STARTTLS offered = %v, want %v", sec, got, want)
			}
			if err := c.Login(s.User, s.Password).Wait(); err != nil {
				t.Fatalf("%v: LOGIN: %v", sec, err)
			}
			if _, err := c.Select("INBOX", nil).Wait(); err != nil {
				t.Fatalf("%v: SELECT INBOX: %v", sec, err)
			}
			if err := c.Logout().Wait(); err != nil {
				t.Errorf("%v: LOGOUT: %v", sec, err)
			}
		})
	}

	t.Run("wrong password", func(t *testing.T) {
		c, err := s.Dial(Plain, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Login(s.User, s.Password+"x").Wait(); err == nil {
			t.Errorf("LOGIN with a wrong password succeeded")
		}
	})

	// The CA file is what makes verification pass: without it, both TLS
	// listeners must be refused by a verifying client.
	t.Run("untrusted without CA", func(t *testing.T) {
		for _, sec := range []Security{StartTLS, ImplicitTLS} {
			c, err := s.Dial(sec, &imapclient.Options{TLSConfig: &tls.Config{}})
			if err == nil {
				c.Close()
				t.Errorf("Dial(%v) without the test CA succeeded, want a verification error", sec)
				continue
			}
			var unknown x509.UnknownAuthorityError
			if !errors.As(err, &unknown) {
				t.Errorf("Dial(%v) without the test CA = %v, want an unknown authority error", sec, err)
			}
		}
	})

	// The certificate names localhost too.
	t.Run("localhost", func(t *testing.T) {
		cfg, err := s.TLSConfig()
		if err != nil {
			t.Fatal(err)
		}
		cfg.ServerName = "localhost"
		conn, err := tls.Dial("tcp", s.Addr(ImplicitTLS), cfg)
		if err != nil {
			t.Fatalf("TLS to %s as localhost: %v", s.Addr(ImplicitTLS), err)
		}
		conn.Close()
	})
}

func TestDeliverAndPeek(t *testing.T) {
	s := Start(t, Options{Users: map[string]string{"alice": "alice-secret", "bob": "bob-secret"}})
	if s.User != "alice" || s.Password != "alice-secret" {
		t.Errorf("User, Password = %q, %q, want the first user by name", s.User, s.Password)
	}
	raw := testMessage(1, "Alice, let's connect")
	if err := s.Deliver("alice", "INBOX", raw); err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver("bob", "LinkedIn/Invitations", testMessage(2, "For Bob")); err != nil {
		t.Fatal(err)
	}

	msgs, err := s.Messages("alice", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].MessageID != "msg-1@dovecottest.example" || msgs[0].Subject != "Alice, let's connect" {
		t.Fatalf("Messages(alice, INBOX) = %+v, want msg-1", msgs)
	}
	if msgs[0].Has(imap.FlagSeen) {
		t.Fatalf("delivered message has \\Seen: %v", msgs[0].Flags)
	}

	body, err := s.Body("alice", "INBOX", msgs[0].UID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, raw) {
		t.Errorf("Body = %q, want %q", body, raw)
	}

	// A client fetching with BODY.PEEK[] leaves \Seen alone ...
	c, err := s.Login(ImplicitTLS, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	fetchBody := func(peek bool) {
		t.Helper()
		section := &imap.FetchItemBodySection{Peek: peek}
		got, err := c.Fetch(imap.UIDSetNum(msgs[0].UID), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}}).Collect()
		if err != nil || len(got) != 1 || !bytes.Equal(got[0].FindBodySection(section), raw) {
			t.Fatalf("FETCH BODY[] (peek %v) = %v, %v", peek, got, err)
		}
	}
	fetchBody(true)
	if after, err := s.Messages("alice", "INBOX"); err != nil || after[0].Has(imap.FlagSeen) {
		t.Fatalf("after BODY.PEEK[]: Messages = %+v, %v; want no \\Seen", after, err)
	}
	// ... and Messages does see \Seen once a plain BODY[] sets it.
	fetchBody(false)
	if after, err := s.Messages("alice", "INBOX"); err != nil || !after[0].Has(imap.FlagSeen) {
		t.Fatalf("after BODY[]: Messages = %+v, %v; want \\Seen", after, err)
	}

	// Users are separate, Deliver created the mailbox, and the
	// special-use mailboxes exist.
	boxes, err := s.Mailboxes("bob")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Archive", "Drafts", "INBOX", "Junk", "LinkedIn/Invitations", "Sent", "Trash"} {
		if !slices.Contains(boxes, want) {
			t.Errorf("Mailboxes(bob) = %v, want %s among them", boxes, want)
		}
	}
	snap, err := s.Snapshot("bob")
	if err != nil {
		t.Fatal(err)
	}
	if len(snap["INBOX"]) != 0 || len(snap["LinkedIn/Invitations"]) != 1 || snap["LinkedIn/Invitations"][0].MessageID != "msg-2@dovecottest.example" {
		t.Errorf("Snapshot(bob) = %+v, want only msg-2 in LinkedIn/Invitations", snap)
	}
	list, err := c.List("", "Drafts", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil || len(list) != 1 || !slices.Contains(list[0].Attrs, imap.MailboxAttrDrafts) {
		t.Errorf("LIST Drafts RETURN (SPECIAL-USE) = %+v, %v; want \\Drafts", list, err)
	}
}

func TestBulkLoad(t *testing.T) {
	s := Start(t, Options{})
	const n = 5000
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	msgs := func(first, count int) iter.Seq[Message] {
		return func(yield func(Message) bool) {
			for i := first; i < first+count; i++ {
				m := Message{Raw: testMessage(i, fmt.Sprintf("Message %d", i)), Date: base.Add(time.Duration(i) * time.Minute)}
				if i%10 == 0 {
					m.Flags = append(m.Flags, imap.FlagSeen)
				}
				if i%7 == 0 {
					m.Flags = append(m.Flags, "$Triage_clarify", imap.FlagFlagged)
				}
				if !yield(m) {
					return
				}
			}
		}
	}
	began := time.Now()
	if err := s.BulkLoad(s.User, "Archive/2025", msgs(0, n)); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(began)
	t.Logf("bulk load: %d messages in %v (%.0f messages/s)", n, elapsed.Round(time.Millisecond), n/elapsed.Seconds())

	// A second load appends after the first.
	if err := s.BulkLoad(s.User, "Archive/2025", msgs(n, 10)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Messages(s.User, "Archive/2025")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n+10 {
		t.Fatalf("Messages after bulk loads: %d messages, want %d", len(got), n+10)
	}
	for i, m := range got {
		want := fmt.Sprintf("msg-%d@dovecottest.example", i)
		if m.MessageID != want || m.UID != imap.UID(i+1) {
			t.Fatalf("message %d = UID %d %q, want UID %d %q (UIDs in load order)", i, m.UID, m.MessageID, i+1, want)
		}
		if got, want := m.Has(imap.FlagSeen), i%10 == 0; got != want {
			t.Errorf("message %d: \\Seen = %v, want %v (flags %v)", i, got, want, m.Flags)
		}
		if got, want := m.Has("$Triage_clarify") && m.Has(imap.FlagFlagged), i%7 == 0; got != want {
			t.Errorf("message %d: $Triage_clarify and \\Flagged = %v, want %v (flags %v)", i, got, want, m.Flags)
		}
		if want := base.Add(time.Duration(i) * time.Minute); !m.InternalDate.Equal(want) {
			t.Errorf("message %d: internal date %v, want %v", i, m.InternalDate, want)
		}
		if m.Size != int64(len(testMessage(i, fmt.Sprintf("Message %d", i)))) {
			t.Errorf("message %d: size %d, want the size of the message", i, m.Size)
		}
	}

	// What a sweep does first: search by sender and fetch with PEEK.
	c, err := s.Login(Plain, s.User)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select("Archive/2025", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	res, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: "sender4999@"}}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if uids := res.AllUIDs(); len(uids) != 1 || uids[0] != 5000 {
		t.Errorf("UID SEARCH FROM sender4999@ = %v, want [5000]", uids)
	}
}

func TestBulkLoadRejectsBadFlags(t *testing.T) {
	s := Start(t, Options{})
	err := s.BulkLoad(s.User, "INBOX", slices.Values([]Message{{Raw: testMessage(1, "x"), Flags: []imap.Flag{`\Recent`}}}))
	if err == nil {
		t.Fatal(`BulkLoad with flag \Recent succeeded, want an error`)
	}
	if !strings.Contains(err.Error(), `\Recent`) {
		t.Errorf("BulkLoad error %q does not name the flag", err)
	}
	if _, err := os.Stat(s.Dir); err != nil {
		t.Fatal(err)
	}
}

// xoauth2 is the client side of Google's and Microsoft's XOAUTH2.
type xoauth2 struct{ user, token string }

func (x xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

func (x xoauth2) Next(challenge []byte) ([]byte, error) {
	return []byte{}, nil // the error challenge is answered empty
}

func TestOAuth2(t *testing.T) {
	s := Start(t, Options{OAuth2: true, Users: map[string]string{"carol": "carol-secret", "dave": "dave-secret"}})
	token, err := s.IssueToken("carol")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.IssueToken("dave")
	if err != nil {
		t.Fatal(err)
	}
	revoked, err := s.IssueToken("carol")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(revoked); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IssueToken("nobody-here"); err == nil {
		t.Error("IssueToken for an unknown user succeeded")
	}

	mechs := map[string]func(user, token string) sasl.Client{
		"XOAUTH2": func(user, token string) sasl.Client { return xoauth2{user, token} },
		"OAUTHBEARER": func(user, token string) sasl.Client {
			return sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: user, Token: token})
		},
	}
	tests := []struct {
		name, user, token string
		ok                bool
	}{
		{"valid", "carol", token, true},
		{"revoked", "carol", revoked, false},
		{"other user's token", "carol", other, false},
		{"made up", "carol", "tok-made-up", false},
		{"password is no token", "carol", "carol-secret", false},
	}
	for mech, newClient := range mechs {
		for _, tt := range tests {
			t.Run(mech+"/"+tt.name, func(t *testing.T) {
				c, err := s.Dial(ImplicitTLS, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if caps, err := c.Capability().Wait(); err != nil || !caps.Has(imap.Cap("AUTH="+mech)) {
					t.Fatalf("capabilities = %v, %v; want AUTH=%s", caps, err, mech)
				}
				before := s.IntrospectionRequests()
				err = c.Authenticate(newClient(tt.user, tt.token))
				if got := err == nil; got != tt.ok {
					t.Fatalf("AUTHENTICATE %s as %s: error %v, want success %v", mech, tt.user, err, tt.ok)
				}
				if tt.ok {
					if _, err := c.Select("INBOX", nil).Wait(); err != nil {
						t.Fatalf("SELECT after AUTHENTICATE: %v", err)
					}
					if s.IntrospectionRequests() == before {
						t.Errorf("Dovecot accepted the token without asking the introspection server")
					}
				}
			})
		}
	}

	// Without OAuth2 the token methods say so.
	plain := &Server{}
	if _, err := plain.IssueToken("carol"); !errors.Is(err, ErrNoOAuth2) {
		t.Errorf("IssueToken without OAuth2 = %v, want ErrNoOAuth2", err)
	}
}

func TestStopRemovesEverything(t *testing.T) {
	if !Available() {
		t.Skip("dovecot is not installed")
	}
	parent := t.TempDir()
	s, err := Launch(parent, Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := s.Addr(Plain)
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if _, err := os.Stat(s.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Stop, %s: %v, want it removed", s.Dir, err)
	}
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Errorf("after Stop, %s still accepts connections", addr)
	}
}

func TestCheckUsers(t *testing.T) {
	tests := []struct {
		users map[string]string
		ok    bool
	}{
		{nil, true},
		{map[string]string{"a.b-c_d@example.org": "pw"}, true},
		{map[string]string{"with space": "pw"}, false},
		{map[string]string{"x/../y": "pw"}, false},
		{map[string]string{"": "pw"}, false},
		{map[string]string{"u": ""}, false},
		{map[string]string{"u": "a:b"}, false},
		{map[string]string{"u": "a\nb"}, false},
	}
	for _, tt := range tests {
		got, err := checkUsers(tt.users)
		if (err == nil) != tt.ok {
			t.Errorf("checkUsers(%q) = %v, want ok %v", tt.users, err, tt.ok)
			continue
		}
		if tt.ok && len(tt.users) == 0 && (len(got) != 1 || got[DefaultUser] == "") {
			t.Errorf("checkUsers(nil) = %v, want %s with a password", got, DefaultUser)
		}
	}
}

// recorder is a testing.TB whose Skipf and Fatalf only record.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Skipf(string, ...any)  { r.skipped = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestSkipOrFail(t *testing.T) {
	tests := []struct {
		available      bool
		require        string
		ok, skip, fail bool
	}{
		{available: true, require: "", ok: true},
		{available: true, require: "1", ok: true},
		{available: false, require: "", skip: true},
		{available: false, require: "0", skip: true},
		{available: false, require: "1", fail: true},
	}
	for _, tt := range tests {
		t.Setenv(RequireEnv, tt.require)
		r := &recorder{TB: t}
		ok := skipOrFail(r, tt.available)
		if ok != tt.ok || r.skipped != tt.skip || r.failed != tt.fail {
			t.Errorf("skipOrFail(available %v, %s=%q) = %v, skipped %v, failed %v; want %v, %v, %v",
				tt.available, RequireEnv, tt.require, ok, r.skipped, r.failed, tt.ok, tt.skip, tt.fail)
		}
	}
}
