package demo

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/triagehq/triage/internal/inbox"
)

// TestServer logs in to the demo server with its account, finds every
// seeded message, and checks that Close stops it.
func TestServer(t *testing.T) {
	s, err := StartServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ordinary, _ := fs.Glob(other, "other/*.eml")
	if want := Count() + len(ordinary); s.Messages() != want || len(ordinary) < 3 {
		t.Errorf("Messages() = %d, want %d samples + %d ordinary (at least 3)", s.Messages(), Count(), len(ordinary))
	}
	a := s.Account()
	if a.Host != "127.0.0.1" || a.TLS != inbox.TLSNone || a.Password == "" || a.Name != ServerAccount {
		t.Fatalf("Account() = host %q tls %q name %q (password set: %v), want a loopback plain account named %q",
			a.Host, a.TLS, a.Name, a.Password != "", ServerAccount)
	}
	if err := a.Validate(); err != nil {
		t.Errorf("Account().Validate() = %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sess, err := inbox.Dial(ctx, a, inbox.DialOptions{})
	if err != nil {
		t.Fatalf("Dial(demo server) = %v", err)
	}
	st, err := sess.Select(ctx, a.Mailbox)
	if err != nil {
		t.Fatalf("Select(%s) = %v", a.Mailbox, err)
	}
	if int(st.Messages) != s.Messages() || !st.KeywordsAllowed {
		t.Errorf("Select(%s) = %d messages, keywords allowed %v; want %d and true", a.Mailbox, st.Messages, st.KeywordsAllowed, s.Messages())
	}
	if c := sess.Caps(); !c.Move || !c.UIDPlus {
		t.Errorf("demo server capabilities %v, want MOVE and UIDPLUS", c.All)
	}
	if err := sess.Logout(); err != nil {
		t.Errorf("Logout() = %v", err)
	}

	wrong := a
	wrong.Password = "not-the-password"
	if _, err := inbox.Dial(ctx, wrong, inbox.DialOptions{}); !errors.Is(err, inbox.ErrAuth) {
		t.Errorf("Dial with a wrong password = %v, want ErrAuth", err)
	}

	if err := s.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(a.Host, strconv.Itoa(a.Port)), time.Second); err == nil {
		c.Close()
		t.Errorf("demo server still accepts connections after Close")
	}
}

// TestServerClosesAtOnce closes a server that was never used.
func TestServerClosesAtOnce(t *testing.T) {
	s, err := StartServer()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close() = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close() of an unused server did not return")
	}
}

// TestOrdinaryMail checks that the demo's ordinary mail is read as such: a
// sweep must find no invitation in it, not even in the calendar invitation.
func TestOrdinaryMail(t *testing.T) {
	names, err := fs.Glob(other, "other/*.eml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		f, err := other.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := inbox.Parse(f)
		f.Close()
		if !errors.Is(err, inbox.ErrNotInvitation) {
			t.Errorf("Parse(%s) = %d invitations, %v; want ErrNotInvitation", name, len(msg.Invitations), err)
		}
	}
}

// TestMailboxOrder checks the seeded mailbox is sorted by date, with CRLF
// line ends only.
func TestMailboxOrder(t *testing.T) {
	msgs, err := mailboxMessages()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range msgs {
		if i > 0 && m.date.Before(msgs[i-1].date) {
			t.Errorf("message %s (%v) comes after %s (%v)", m.name, m.date, msgs[i-1].name, msgs[i-1].date)
		}
		for j := range m.data {
			if m.data[j] == '\n' && (j == 0 || m.data[j-1] != '\r') {
				t.Errorf("message %s has a bare LF at byte %d", m.name, j)
				break
			}
		}
	}
}
