package demo

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	netmail "net/mail"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/triagehq/triage/internal/inbox"
)

// other holds ordinary mail that shares the demo mailbox with the samples:
// a colleague's reply, a newsletter, a code review request, a calendar
// invitation (whose subject starts with "Invitation:") and a ticket.
//
//go:embed other/*.eml
var other embed.FS

// ServerAccount is the name of the demo server's account.
const ServerAccount = "demo"

// Server is an IMAP server run in this process on a loopback port, with
// go-imap's in-memory backend. Its INBOX holds the sample emails and some
// ordinary mail, in the order of their Date headers, so that a sweep runs
// against it exactly as against a real mailbox. Its one user, Me().Email,
// has a password made up at start; nothing outside the process is touched.
type Server struct {
	user     *imapmemserver.User
	srv      *imapserver.Server
	ln       net.Listener
	port     int
	password string
	messages int
	served   chan struct{}
	once     sync.Once
	closeErr error
}

// StartServer seeds the mailbox and starts serving on 127.0.0.1, on a free
// port. Close stops the server.
func StartServer() (*Server, error) {
	msgs, err := mailboxMessages()
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	password := hex.EncodeToString(secret)

	user := imapmemserver.NewUser(Me().Email, password)
	if err := user.Create(inbox.DefaultMailbox, nil); err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	for _, m := range msgs {
		if _, err := user.Append(inbox.DefaultMailbox, literal{bytes.NewReader(m.data)}, &imap.AppendOptions{Time: m.date}); err != nil {
			return nil, fmt.Errorf("demo server: seeding %s: %w", m.name, err)
		}
	}
	mem := imapmemserver.New()
	mem.AddUser(user)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo server: %w", err)
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}},
		// Plain text on loopback only; the client refuses tls = "none"
		// anywhere else.
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	s := &Server{
		user: user, srv: srv, ln: ln, port: ln.Addr().(*net.TCPAddr).Port,
		password: password, messages: len(msgs), served: make(chan struct{}),
	}
	go func() {
		defer close(s.served)
		srv.Serve(ln)
	}()
	return s, nil
}

// Account is the account of the demo server: plain IMAP on loopback, with
// the password in the account itself (it is never written to a file).
func (s *Server) Account() inbox.Account {
	return inbox.Account{
		Name:     ServerAccount,
		Host:     "127.0.0.1",
		Port:     s.port,
		TLS:      inbox.TLSNone,
		Username: Me().Email,
		Password: s.password,
		Mailbox:  inbox.DefaultMailbox,
		Timeout:  inbox.Duration{Duration: 10 * time.Second},
	}
}

// Append adds a message (its line ends made CRLF) to the end of the INBOX,
// as if it had just arrived, and returns its UID. Tests use it to bring
// new mail, or bad mail, between sweeps.
func (s *Server) Append(msg []byte, received time.Time) (uint32, error) {
	data, err := s.user.Append(inbox.DefaultMailbox, literal{bytes.NewReader(crlf(msg))}, &imap.AppendOptions{Time: received})
	if err != nil {
		return 0, fmt.Errorf("demo server: %w", err)
	}
	return uint32(data.UID), nil
}

// Messages is the number of messages in the demo INBOX at start.
func (s *Server) Messages() int { return s.messages }

// Close stops the server and closes its connections; it returns once the
// server stopped accepting. It is safe to call more than once.
func (s *Server) Close() error {
	s.once.Do(func() {
		err := s.srv.Close()
		// Serve may not have registered the listener yet: close it too.
		if lerr := s.ln.Close(); err == nil && lerr != nil && !errors.Is(lerr, net.ErrClosed) {
			err = lerr
		}
		<-s.served
		if err != nil && !errors.Is(err, net.ErrClosed) {
			s.closeErr = fmt.Errorf("demo server: %w", err)
		}
	})
	return s.closeErr
}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

type seed struct {
	name string
	data []byte // CRLF line ends
	date time.Time
}

// mailboxMessages returns the samples and the ordinary mail, sorted by
// their Date headers (the internal date each gets), oldest first.
func mailboxMessages() ([]seed, error) {
	var out []seed
	for _, src := range []struct {
		fsys embed.FS
		glob string
	}{{mail, "mail/*.eml"}, {other, "other/*.eml"}} {
		names, err := fs.Glob(src.fsys, src.glob)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			b, err := src.fsys.ReadFile(name)
			if err != nil {
				return nil, err
			}
			b = crlf(b)
			m, err := netmail.ReadMessage(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("demo mail %s: %w", name, err)
			}
			date, err := m.Header.Date()
			if err != nil {
				return nil, fmt.Errorf("demo mail %s: Date: %w", name, err)
			}
			out = append(out, seed{name: name, data: b, date: date.UTC()})
		}
	}
	slices.SortStableFunc(out, func(a, b seed) int { return a.date.Compare(b.date) })
	return out, nil
}

// crlf gives every line of b a CRLF end, as IMAP wants.
func crlf(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}
