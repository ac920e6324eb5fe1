// Package dovecottest starts a real, throw-away Dovecot IMAP server on
// loopback for integration tests and benchmarks.
//
// Each server lives in its own temporary directory with its own
// dovecot.conf, sockets, state, log, Maildir homes and a freshly generated
// test CA. It listens on two free loopback ports: one for plain IMAP that
// also offers STARTTLS, and one for implicit TLS. Tests use [Start], which
// skips when Dovecot is not installed unless TRIAGE_REQUIRE_DOVECOT=1 is set
// (CI sets it), in which case the test fails. Commands such as a benchmark
// use [Launch] and [Server.Stop].
//
// Dovecot 2.3 (Debian's dovecot-imapd) is the supported version. The server
// runs as root (mail is owned by the user "nobody") or as an ordinary user
// (mail is owned by that user).
package dovecottest

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RequireEnv is the environment variable that turns a missing Dovecot from
// a skipped test into a failed one when set to "1".
const RequireEnv = "TRIAGE_REQUIRE_DOVECOT"

// DefaultUser is the user created when Options.Users is empty.
const DefaultUser = "triage"

// Timeouts that bound every wait of the package.
const (
	startTimeout   = 15 * time.Second
	stopTimeout    = 10 * time.Second
	commandTimeout = 5 * time.Minute // doveadm, e.g. force-resync of 100,000 messages
	imapTimeout    = 2 * time.Minute // one helper IMAP session (Deliver, Messages)
	dialTimeout    = 5 * time.Second
	startAttempts  = 4 // new ports after a bind failure
)

// ErrNotInstalled is returned by Launch when the dovecot or doveadm binary
// cannot be found.
var ErrNotInstalled = errors.New("dovecot is not installed (Debian: apt-get install dovecot-imapd)")

// Security says how a client connects to the server.
type Security int

const (
	// Plain is IMAP without TLS on the plain port.
	Plain Security = iota
	// StartTLS is IMAP on the plain port upgraded with STARTTLS.
	StartTLS
	// ImplicitTLS is IMAP over TLS from the first byte on the TLS port.
	ImplicitTLS
)

// String returns the name used for the security in triage's configuration
// ("none", "starttls", "implicit").
func (s Security) String() string {
	switch s {
	case Plain:
		return "none"
	case StartTLS:
		return "starttls"
	case ImplicitTLS:
		return "implicit"
	}
	return "Security(" + strconv.Itoa(int(s)) + ")"
}

// Options configures a server. The zero value is a server with one user,
// DefaultUser, with a random password.
type Options struct {
	// Users maps user names to passwords. User names are limited to
	// letters, digits and ".", "_", "-", "@"; passwords may not contain
	// ":" or line breaks. Empty means one user, DefaultUser, with a random
	// password.
	Users map[string]string

	// OAuth2 enables the XOAUTH2 and OAUTHBEARER mechanisms: Dovecot checks
	// bearer tokens against a small token introspection server on loopback
	// that runs in this process. Tokens come from Server.IssueToken.
	OAuth2 bool

	// Separator and Prefix set the personal namespace: its hierarchy
	// separator ("/" when empty) and its prefix ("" by default; "INBOX."
	// with Separator "." names mailboxes as Cyrus and Courier do).
	Separator, Prefix string
}

// Server is a running Dovecot instance. Its fields are read-only.
type Server struct {
	// Dir is the server's private directory; Stop removes it.
	Dir string
	// ConfigFile is the dovecot.conf, for `doveadm -c`.
	ConfigFile string
	// LogFile is Dovecot's log.
	LogFile string
	// Host is the loopback address the server listens on, "127.0.0.1".
	Host string
	// IMAPPort serves plain IMAP and offers STARTTLS.
	IMAPPort int
	// IMAPSPort serves IMAP over implicit TLS.
	IMAPSPort int
	// CAFile is the PEM file of the test CA that signed the server
	// certificate (for tls_ca_file). The certificate names IP 127.0.0.1
	// and DNS localhost.
	CAFile string
	// User and Password are the credentials of the first user by name
	// (DefaultUser unless Options.Users names others).
	User, Password string

	users   map[string]string
	mailUID int
	mailGID int
	dovecot string
	doveadm string
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the master process has exited
	waitErr error         // the master's exit status, valid once exited is closed
	stderr  *lockedBuffer
	oauth   *introspector
	// bulkBase and bulkSeq name bulk-loaded files so that Dovecot, which
	// sorts new Maildir files by the time in their names, gives them UIDs
	// in load order.
	bulkBase int64
	bulkSeq  int64
	stopOnce sync.Once
	stopErr  error
}

// Available reports whether the dovecot and doveadm binaries are installed.
func Available() bool {
	_, _, err := binaries()
	return err == nil
}

// Start launches a server for the test and stops it in t.Cleanup. When
// Dovecot is not installed, the test is skipped, or fails if the
// environment variable TRIAGE_REQUIRE_DOVECOT is "1". Any other problem
// fails the test.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if !skipOrFail(t, Available()) {
		return nil
	}
	began := time.Now()
	s, err := Launch("", opts)
	if err != nil {
		t.Fatalf("dovecottest: %v", err)
	}
	t.Logf("dovecottest: dovecot started in %v (imap 127.0.0.1:%d, imaps 127.0.0.1:%d, dir %s)",
		time.Since(began).Round(time.Millisecond), s.IMAPPort, s.IMAPSPort, s.Dir)
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("dovecottest: %v", err)
		}
	})
	return s
}

// skipOrFail skips or fails t when Dovecot is not available, and reports
// whether the test may go on (only reached as false by callers whose
// Skipf and Fatalf return).
func skipOrFail(t testing.TB, available bool) bool {
	t.Helper()
	if available {
		return true
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("dovecottest: %v, and %s=1 requires it", ErrNotInstalled, RequireEnv)
	} else {
		t.Skipf("dovecottest: %v; set %s=1 to make this a failure", ErrNotInstalled, RequireEnv)
	}
	return false
}

// Launch starts a server in a new directory inside parent (the system's
// temporary directory when parent is empty) and returns once both ports
// greet. The caller must call Stop.
func Launch(parent string, opts Options) (*Server, error) {
	dovecot, doveadm, err := binaries()
	if err != nil {
		return nil, err
	}
	users, err := checkUsers(opts.Users)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, "dovecottest-")
	if err != nil {
		return nil, fmt.Errorf("create server directory: %w", err)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("create server directory: %w", err)
	}
	s := &Server{
		Dir:        dir,
		ConfigFile: filepath.Join(dir, "dovecot.conf"),
		LogFile:    filepath.Join(dir, "dovecot.log"),
		Host:       "127.0.0.1",
		CAFile:     filepath.Join(dir, "ca.pem"),
		users:      users,
		dovecot:    dovecot,
		doveadm:    doveadm,
		bulkBase:   time.Now().Unix(),
	}
	names := make([]string, 0, len(users))
	for name := range users {
		names = append(names, name)
	}
	slices.Sort(names)
	s.User, s.Password = names[0], users[names[0]]

	if err := s.launch(opts); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) launch(opts Options) error {
	// Unix socket paths are limited to 107 bytes; Dovecot's longest socket
	// path below base_dir is 26 ("/token-login/imap-urlauth").
	if n := len(filepath.Join(s.Dir, "run")); n > 80 {
		return fmt.Errorf("server directory %s is too long for Unix sockets (%d bytes for base_dir, at most 80): use a shorter parent directory or TMPDIR", s.Dir, n)
	}
	// As root, Dovecot's processes run as other users: the directory
	// must be traversable and its files readable by them.
	if err := os.Chmod(s.Dir, 0o755); err != nil {
		return err
	}
	id, err := mailIdentity()
	if err != nil {
		return err
	}
	s.mailUID, s.mailGID = id.uid, id.gid
	if err := writeCerts(s.Dir, s.CAFile); err != nil {
		return err
	}
	if err := s.writePasswd(); err != nil {
		return err
	}
	for name := range s.users {
		if err := s.mkdirMail(filepath.Join(s.Dir, "home", name)); err != nil {
			return fmt.Errorf("create home of %s: %w", name, err)
		}
	}
	if opts.OAuth2 {
		if s.oauth, err = startIntrospector(s.users); err != nil {
			return err
		}
		if err := s.oauth.writeConfig(filepath.Join(s.Dir, "oauth2.conf")); err != nil {
			return err
		}
	}

	var lastErr error
	for range startAttempts {
		ports, err := freePorts(2)
		if err != nil {
			return err
		}
		s.IMAPPort, s.IMAPSPort = ports[0], ports[1]
		conf := config{
			Dir:       s.Dir,
			Instance:  filepath.Base(s.Dir),
			IMAPPort:  s.IMAPPort,
			IMAPSPort: s.IMAPSPort,
			UID:       id.uid,
			GID:       id.gid,
			Root:      os.Geteuid() == 0,
			User:      id.user,
			Group:     id.group,
			OAuth2:    s.oauth != nil,
			Separator: cmp.Or(opts.Separator, "/"),
			Prefix:    opts.Prefix,
		}
		if err := conf.write(s.ConfigFile); err != nil {
			return err
		}
		lastErr = s.run()
		if lastErr == nil {
			return nil
		}
		if !strings.Contains(lastErr.Error(), "in use") {
			return lastErr
		}
		// Another process took a port between picking and binding.
		if s.cmd != nil {
			s.stopMaster()
			s.cmd = nil
		}
		os.Remove(s.LogFile)
	}
	return lastErr
}

// run starts the master process in the foreground and waits until both
// ports greet.
func (s *Server) run() error {
	s.stderr = &lockedBuffer{}
	cmd := exec.Command(s.dovecot, "-F", "-c", s.ConfigFile)
	cmd.Dir = s.Dir
	cmd.Stdout = s.stderr
	cmd.Stderr = s.stderr
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.dovecot, err)
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()

	deadline := time.Now().Add(startTimeout)
	for _, port := range []int{s.IMAPPort, s.IMAPSPort} {
		tlsPort := port == s.IMAPSPort
		for {
			err := s.greets(port, tlsPort)
			if err == nil {
				break
			}
			select {
			case <-s.exited:
				s.cmd = nil
				return fmt.Errorf("dovecot exited while starting (%v): %s", s.waitErr, s.diagnostics())
			default:
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("dovecot did not greet on 127.0.0.1:%d within %v (%v): %s", port, startTimeout, err, s.diagnostics())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}

// greets connects to port and reads the IMAP greeting.
func (s *Server) greets(port int, useTLS bool) error {
	conn, err := s.dialRaw(port, useTLS)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(dialTimeout))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("read greeting: %w", err)
	}
	if !strings.HasPrefix(line, "* OK") {
		return fmt.Errorf("unexpected greeting %q", strings.TrimSpace(line))
	}
	return nil
}

// diagnostics returns Dovecot's stderr and the end of its log.
func (s *Server) diagnostics() string {
	var b strings.Builder
	if s.stderr != nil {
		if out := strings.TrimSpace(s.stderr.String()); out != "" {
			b.WriteString("stderr: " + out)
		}
	}
	if log := s.LogTail(20); log != "" {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString("log: " + log)
	}
	if b.Len() == 0 {
		return "no output"
	}
	return b.String()
}

// LogTail returns the last n lines of Dovecot's log, for test failure
// messages.
func (s *Server) LogTail(n int) string {
	data, err := os.ReadFile(s.LogFile)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Stop stops Dovecot and removes its directory. It is safe to call more
// than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		if s.cmd != nil {
			if err := s.stopMaster(); err != nil {
				errs = append(errs, err)
			}
		}
		if s.oauth != nil {
			s.oauth.close()
		}
		if err := os.RemoveAll(s.Dir); err != nil {
			errs = append(errs, fmt.Errorf("remove server directory: %w", err))
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

func (s *Server) stopMaster() error {
	select {
	case <-s.exited:
		return fmt.Errorf("dovecot had exited before Stop (%v): %s", s.waitErr, s.diagnostics())
	default:
	}
	// `doveadm stop` sends SIGTERM to the master alone, which then takes
	// about a second to stop its children one kind after the other.
	// Signalling the whole process group stops them all at once.
	pgid := -s.cmd.Process.Pid
	syscall.Kill(pgid, syscall.SIGTERM)
	deadline := time.After(stopTimeout)
	select {
	case <-s.exited:
		// Wait for the children too, before the directory goes.
		for syscall.Kill(pgid, 0) == nil {
			select {
			case <-deadline:
				syscall.Kill(pgid, syscall.SIGKILL)
				return fmt.Errorf("dovecot's processes did not stop within %v of SIGTERM and were killed", stopTimeout)
			case <-time.After(5 * time.Millisecond):
			}
		}
		return nil
	case <-deadline:
	}
	syscall.Kill(pgid, syscall.SIGKILL)
	<-s.exited
	return fmt.Errorf("dovecot did not stop within %v of SIGTERM and was killed", stopTimeout)
}

// Addr returns the host:port to connect to with the given security.
func (s *Server) Addr(sec Security) string {
	port := s.IMAPPort
	if sec == ImplicitTLS {
		port = s.IMAPSPort
	}
	return net.JoinHostPort(s.Host, strconv.Itoa(port))
}

// Port returns the port to connect to with the given security.
func (s *Server) Port(sec Security) int {
	if sec == ImplicitTLS {
		return s.IMAPSPort
	}
	return s.IMAPPort
}

// PasswordOf returns the password of user, or "" for an unknown user.
func (s *Server) PasswordOf(user string) string {
	return s.users[user]
}

// Doveadm runs `doveadm -c CONFIG args...` and returns its standard
// output. The error carries the standard error.
func (s *Server) Doveadm(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.doveadm, append([]string{"-c", s.ConfigFile}, args...)...)
	cmd.Dir = s.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("doveadm %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// binaries finds dovecot and doveadm, also in sbin directories missing
// from an ordinary user's PATH.
func binaries() (dovecot, doveadm string, err error) {
	find := func(name string) string {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"} {
			p := filepath.Join(dir, name)
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				return p
			}
		}
		return ""
	}
	dovecot, doveadm = find("dovecot"), find("doveadm")
	if dovecot == "" || doveadm == "" {
		return "", "", ErrNotInstalled
	}
	return dovecot, doveadm, nil
}

func checkUsers(in map[string]string) (map[string]string, error) {
	if len(in) == 0 {
		return map[string]string{DefaultUser: randomHex(12)}, nil
	}
	out := make(map[string]string, len(in))
	for name, pass := range in {
		if name == "" || strings.IndexFunc(name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r))
		}) >= 0 {
			return nil, fmt.Errorf("user name %q: use only letters, digits and . _ - @", name)
		}
		if pass == "" || strings.ContainsAny(pass, ":\r\n") {
			return nil, fmt.Errorf("password of user %s: must be non-empty without ':' or line breaks", name)
		}
		out[name] = pass
	}
	return out, nil
}

func (s *Server) writePasswd() error {
	var b strings.Builder
	for name, pass := range s.users {
		fmt.Fprintf(&b, "%s:{PLAIN}%s::::::\n", name, pass)
	}
	// Read by Dovecot's auth process, which runs as the dovecot user.
	if err := os.WriteFile(filepath.Join(s.Dir, "passwd"), []byte(b.String()), 0o640); err != nil {
		return fmt.Errorf("write passwd file: %w", err)
	}
	if os.Geteuid() == 0 {
		if grp, err := lookupGroupOf("dovecot"); err == nil {
			return os.Chown(filepath.Join(s.Dir, "passwd"), 0, grp)
		}
		return os.Chmod(filepath.Join(s.Dir, "passwd"), 0o644)
	}
	return nil
}

// mkdirMail creates a directory (and its parents below Dir) owned by the
// mail user, mode 0755.
func (s *Server) mkdirMail(path string) error {
	rel, err := filepath.Rel(s.Dir, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("%s is outside the server directory", path)
	}
	cur := s.Dir
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, part)
		if err := os.Mkdir(cur, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		if err := s.chown(cur); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) chown(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	return os.Chown(path, s.mailUID, s.mailGID)
}

// freePorts returns n distinct free loopback ports. They are free when
// checked; the caller retries when a port is taken before it binds.
func freePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free loopback port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// dialRaw opens a TCP connection to port, with TLS verified against the
// test CA when useTLS is set.
func (s *Server) dialRaw(port int, useTLS bool) (net.Conn, error) {
	d := &net.Dialer{Timeout: dialTimeout}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(port))
	if !useTLS {
		return d.Dial("tcp", addr)
	}
	cfg, err := s.TLSConfig()
	if err != nil {
		return nil, err
	}
	return tls.DialWithDialer(d, "tcp", addr, cfg)
}
