package dovecottest

import (
	"bufio"
	"cmp"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"iter"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TLSConfig returns a client TLS configuration that trusts only the
// server's test CA, read from CAFile.
func (s *Server) TLSConfig() (*tls.Config, error) {
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		return nil, fmt.Errorf("read test CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("read test CA %s: no certificate found", s.CAFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// Dial connects to the server with the given security and returns a
// client that has not logged in. TLS is verified against CAFile. The
// caller closes the client.
func (s *Server) Dial(sec Security, opts *imapclient.Options) (*imapclient.Client, error) {
	var o imapclient.Options
	if opts != nil {
		o = *opts
	}
	if o.TLSConfig == nil && sec != Plain {
		cfg, err := s.TLSConfig()
		if err != nil {
			return nil, err
		}
		o.TLSConfig = cfg
	}
	if o.Dialer == nil {
		o.Dialer = &net.Dialer{Timeout: dialTimeout}
	}
	addr := s.Addr(sec)
	var (
		c   *imapclient.Client
		err error
	)
	switch sec {
	case Plain:
		c, err = imapclient.DialInsecure(addr, &o)
	case StartTLS:
		c, err = imapclient.DialStartTLS(addr, &o)
	case ImplicitTLS:
		c, err = imapclient.DialTLS(addr, &o)
	default:
		return nil, fmt.Errorf("dial: unknown security %v", sec)
	}
	if err != nil {
		return nil, fmt.Errorf("dial %s (%v): %w", addr, sec, err)
	}
	return c, nil
}

// Login connects with the given security and logs in as user with the
// IMAP LOGIN command. The caller closes the client.
func (s *Server) Login(sec Security, user string) (*imapclient.Client, error) {
	pass, ok := s.users[user]
	if !ok {
		return nil, fmt.Errorf("login: unknown user %q", user)
	}
	c, err := s.Dial(sec, nil)
	if err != nil {
		return nil, err
	}
	if err := c.Login(user, pass).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("login as %s (%v): %w", user, sec, err)
	}
	return c, nil
}

// session runs fn in a plain loopback session logged in as user, closing
// the connection if it takes longer than imapTimeout.
func (s *Server) session(user string, fn func(c *imapclient.Client) error) error {
	c, err := s.Login(Plain, user)
	if err != nil {
		return err
	}
	timer := time.AfterFunc(imapTimeout, func() { c.Close() })
	defer timer.Stop()
	defer c.Close()
	if err := fn(c); err != nil {
		if !timer.Stop() {
			return fmt.Errorf("%w (session closed after %v)", err, imapTimeout)
		}
		return err
	}
	return c.Logout().Wait()
}

// Deliver appends raw to the user's mailbox with no flags, creating the
// mailbox when it is missing. It goes through IMAP APPEND on the plain
// listener, as mail arriving for the user would.
func (s *Server) Deliver(user, mailbox string, raw []byte) error {
	err := s.session(user, func(c *imapclient.Client) error {
		if err := createMailbox(c, mailbox); err != nil {
			return err
		}
		cmd := c.Append(mailbox, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			cmd.Close()
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		_, err := cmd.Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("deliver to %s/%s: %w", user, mailbox, err)
	}
	return nil
}

func createMailbox(c *imapclient.Client, mailbox string) error {
	if strings.EqualFold(mailbox, "INBOX") {
		return nil
	}
	err := c.Create(mailbox, nil).Wait()
	var imapErr *imap.Error
	if errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeAlreadyExists {
		return nil
	}
	return err
}

// MessageInfo is what a test needs to know about a stored message.
type MessageInfo struct {
	UID imap.UID
	// MessageID is the Message-ID without angle brackets ("" if none).
	MessageID    string
	Subject      string
	Flags        []imap.Flag
	InternalDate time.Time
	Size         int64
}

// Has reports whether the message has flag; keywords compare without
// regard to case, as IMAP servers may change it.
func (m MessageInfo) Has(flag imap.Flag) bool {
	return slices.ContainsFunc(m.Flags, func(f imap.Flag) bool { return strings.EqualFold(string(f), string(flag)) })
}

// Messages returns every message in the user's mailbox, by UID, with its
// flags and Message-ID. It opens the mailbox read-only (EXAMINE), so it
// changes nothing, not even \Recent.
func (s *Server) Messages(user, mailbox string) ([]MessageInfo, error) {
	var out []MessageInfo
	err := s.session(user, func(c *imapclient.Client) error {
		var err error
		out, err = examine(c, mailbox)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list messages of %s/%s: %w", user, mailbox, err)
	}
	return out, nil
}

// Mailboxes returns the names of the user's mailboxes, sorted.
func (s *Server) Mailboxes(user string) ([]string, error) {
	var names []string
	err := s.session(user, func(c *imapclient.Client) error {
		var err error
		names, err = listMailboxes(c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list mailboxes of %s: %w", user, err)
	}
	return names, nil
}

// Snapshot returns the messages of every mailbox of the user, by mailbox
// name, in one read-only session. Comparing two snapshots shows what a
// run changed.
func (s *Server) Snapshot(user string) (map[string][]MessageInfo, error) {
	out := map[string][]MessageInfo{}
	err := s.session(user, func(c *imapclient.Client) error {
		names, err := listMailboxes(c)
		if err != nil {
			return err
		}
		for _, name := range names {
			msgs, err := examine(c, name)
			if err != nil {
				return fmt.Errorf("mailbox %s: %w", name, err)
			}
			out[name] = msgs
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("snapshot of %s: %w", user, err)
	}
	return out, nil
}

// Body returns the whole message with the given UID, fetched with
// BODY.PEEK[] from the mailbox opened read-only.
func (s *Server) Body(user, mailbox string, uid imap.UID) ([]byte, error) {
	var body []byte
	err := s.session(user, func(c *imapclient.Client) error {
		if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			return err
		}
		section := &imap.FetchItemBodySection{Peek: true}
		msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
		if err != nil {
			return err
		}
		if len(msgs) != 1 {
			return fmt.Errorf("no message with uid %d", uid)
		}
		body = msgs[0].FindBodySection(section)
		if body == nil {
			return fmt.Errorf("message uid %d: server sent no body", uid)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fetch %s/%s uid %d: %w", user, mailbox, uid, err)
	}
	return body, nil
}

func listMailboxes(c *imapclient.Client) ([]string, error) {
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, l := range list {
		if !slices.Contains(l.Attrs, imap.MailboxAttrNoSelect) {
			names = append(names, l.Mailbox)
		}
	}
	slices.Sort(names)
	return names, nil
}

func examine(c *imapclient.Client, mailbox string) ([]MessageInfo, error) {
	data, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, err
	}
	if data.NumMessages == 0 {
		return nil, nil
	}
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	msgs, err := c.Fetch(all, &imap.FetchOptions{
		UID: true, Flags: true, Envelope: true, InternalDate: true, RFC822Size: true,
	}).Collect()
	if err != nil {
		return nil, err
	}
	out := make([]MessageInfo, 0, len(msgs))
	for _, m := range msgs {
		info := MessageInfo{UID: m.UID, Flags: m.Flags, InternalDate: m.InternalDate, Size: m.RFC822Size}
		if m.Envelope != nil {
			info.MessageID = m.Envelope.MessageID
			info.Subject = m.Envelope.Subject
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b MessageInfo) int { return cmp.Compare(a.UID, b.UID) })
	return out, nil
}

// Message is a message for BulkLoad.
type Message struct {
	// Raw is the whole message, header and body, with CRLF or LF line
	// endings (Dovecot serves LF files with CRLF).
	Raw []byte
	// Flags are system flags (\Seen, \Answered, \Flagged, \Deleted,
	// \Draft) and keywords; at most 26 distinct keywords per mailbox.
	Flags []imap.Flag
	// Date is the internal date; zero means now.
	Date time.Time
}

// BulkLoad writes messages straight into the user's Maildir and makes
// Dovecot index them (`doveadm force-resync`). It creates the mailbox when
// missing. Messages get UIDs in the order msgs yields them. It is meant for
// tens of thousands of messages; Deliver is the way mail normally arrives.
func (s *Server) BulkLoad(user, mailbox string, msgs iter.Seq[Message]) error {
	if err := s.bulkLoad(user, mailbox, msgs); err != nil {
		return fmt.Errorf("bulk load into %s/%s: %w", user, mailbox, err)
	}
	return nil
}

func (s *Server) bulkLoad(user, mailbox string, msgs iter.Seq[Message]) error {
	if _, ok := s.users[user]; !ok {
		return fmt.Errorf("unknown user %q", user)
	}
	dir, err := s.mailboxDir(user, mailbox)
	if err != nil {
		return err
	}
	kw, err := readKeywords(dir)
	if err != nil {
		return err
	}
	kwCount := len(kw.names)
	pid := os.Getpid()
	tmpDir, curDir := filepath.Join(dir, "tmp"), filepath.Join(dir, "cur")
	n := 0
	for m := range msgs {
		info, err := kw.info(m.Flags)
		if err != nil {
			return fmt.Errorf("message %d: %w", n+1, err)
		}
		seq := atomic.AddInt64(&s.bulkSeq, 1)
		// Seconds, then microseconds after "M", then the rest: Dovecot
		// sorts new files so, and parses "M" as a plain integer.
		base := fmt.Sprintf("%d.M%dP%dQ%d.dovecottest,S=%d", s.bulkBase, seq, pid, seq, len(m.Raw))
		if err := s.writeMaildirFile(filepath.Join(tmpDir, base), filepath.Join(curDir, base+":2,"+info), m); err != nil {
			return fmt.Errorf("message %d: %w", n+1, err)
		}
		n++
	}
	if len(kw.names) != kwCount {
		if err := kw.write(dir, s); err != nil {
			return err
		}
	}
	if _, err := s.Doveadm("force-resync", "-u", user, mailbox); err != nil {
		return err
	}
	return nil
}

func (s *Server) writeMaildirFile(tmpPath, curPath string, m Message) error {
	f, err := os.OpenFile(tmpPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(m.Raw)
	if err == nil && os.Geteuid() == 0 {
		err = f.Chown(s.mailUID, s.mailGID)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && !m.Date.IsZero() {
		// Dovecot takes a Maildir message's internal date from its mtime.
		err = os.Chtimes(tmpPath, m.Date, m.Date)
	}
	if err == nil {
		err = os.Rename(tmpPath, curPath)
	}
	if err != nil {
		os.Remove(tmpPath)
	}
	return err
}

// mailboxDir creates the mailbox if needed and returns its Maildir
// directory, with cur, new and tmp present.
func (s *Server) mailboxDir(user, mailbox string) (string, error) {
	if !strings.EqualFold(mailbox, "INBOX") {
		if _, err := s.Doveadm("mailbox", "create", "-u", user, mailbox); err != nil && !strings.Contains(err.Error(), "exists") {
			return "", err
		}
	}
	out, err := s.Doveadm("mailbox", "path", "-u", user, mailbox)
	if err != nil {
		return "", err
	}
	dir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(dir) || !strings.HasPrefix(dir, s.Dir+string(filepath.Separator)) {
		return "", fmt.Errorf("doveadm mailbox path gave %q, not a path in %s", dir, s.Dir)
	}
	for _, sub := range []string{"", "cur", "new", "tmp"} {
		if err := s.mkdirMail(filepath.Join(dir, sub)); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// keywords is a Maildir's dovecot-keywords file: keyword i is letter
// 'a'+i in file names.
type keywords struct {
	names []string
}

const keywordsFile = "dovecot-keywords"

func readKeywords(dir string) (*keywords, error) {
	kw := &keywords{}
	f, err := os.Open(filepath.Join(dir, keywordsFile))
	if errors.Is(err, os.ErrNotExist) {
		return kw, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		idx, name, ok := strings.Cut(sc.Text(), " ")
		i, err := strconv.Atoi(idx)
		if !ok || err != nil || i < 0 || i >= 26 {
			continue
		}
		for len(kw.names) <= i {
			kw.names = append(kw.names, "")
		}
		kw.names[i] = name
	}
	return kw, sc.Err()
}

func (kw *keywords) write(dir string, s *Server) error {
	var b strings.Builder
	for i, name := range kw.names {
		if name != "" {
			fmt.Fprintf(&b, "%d %s\n", i, name)
		}
	}
	path := filepath.Join(dir, keywordsFile)
	tmp := path + ".dovecottest"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	if err := s.chown(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// info returns the Maildir info letters for flags: system flags in ASCII
// order, then keyword letters.
func (kw *keywords) info(flags []imap.Flag) (string, error) {
	var letters []byte
	for _, f := range flags {
		switch strings.ToLower(string(f)) {
		case `\seen`:
			letters = append(letters, 'S')
		case `\answered`:
			letters = append(letters, 'R')
		case `\flagged`:
			letters = append(letters, 'F')
		case `\deleted`:
			letters = append(letters, 'T')
		case `\draft`:
			letters = append(letters, 'D')
		default:
			name := string(f)
			if name == "" || strings.HasPrefix(name, `\`) || strings.ContainsAny(name, " ()]{%*\"\\\r\n") {
				return "", fmt.Errorf("flag %q is neither a system flag nor a valid keyword", name)
			}
			i := slices.Index(kw.names, name)
			if i < 0 {
				if len(kw.names) >= 26 {
					return "", fmt.Errorf("keyword %q: a Maildir holds at most 26 keywords", name)
				}
				kw.names = append(kw.names, name)
				i = len(kw.names) - 1
			}
			letters = append(letters, byte('a'+i))
		}
	}
	slices.Sort(letters)
	return string(slices.Compact(letters)), nil
}
