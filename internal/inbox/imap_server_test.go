package inbox

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

// Test server: go-imap's in-process server with the in-memory backend,
// wrapped so tests can choose capabilities and SASL mechanisms, check the
// XOAUTH2 and OAUTHBEARER exchanges for real, make COPY fail, stall
// SELECT, hide keyword support, and record the commands that change mail.

const (
	testUser     = "user@example.com"
	testPassword = "s3cret-Passw0rd"
	testToken    = "ya29.test-access-token-Zk3v"
)

type testServerOptions struct {
	caps       imap.CapSet // nil: IMAP4rev1 + MOVE + UIDPLUS + SPECIAL-USE
	mechs      []string    // SASL mechanisms offered; nil: PLAIN, XOAUTH2, OAUTHBEARER
	tls        string      // "", "implicit" or "starttls"
	password   string      // "": testPassword
	noKeywords bool        // PERMANENTFLAGS without \*
	certName   string      // when set, the certificate is for this DNS name only
	// noTryCreate makes COPY and MOVE to a missing mailbox answer a bare
	// NO, without [TRYCREATE], as some servers do.
	noTryCreate bool
	// refuseOr makes SEARCH answer BAD to any OR, as Microsoft Exchange
	// does to ORs nested in parentheses; refuseSubject answers NO to any
	// search with a SUBJECT key.
	refuseOr, refuseSubject bool
	// refuseFetch makes any FETCH of a set holding one of these UIDs
	// answer NO [UNAVAILABLE], as Yahoo does for a message it cannot
	// serve; a FETCH of that one message too. refuseSizes does the same to
	// FETCHes of sizes (no body section) only.
	// busy makes logins and SEARCH answer NO [UNAVAILABLE], as a server
	// over its connection limit or with a backend down does.
	busyLogin, busySearch bool
	refuseFetch           map[uint32]bool
	refuseSizes           bool
	// withhold makes a body FETCH leave these UIDs out and answer OK, as
	// Exchange does for a message it cannot convert.
	withhold map[uint32]bool
	// badNamespace answers BAD to NAMESPACE (announce it in caps).
	badNamespace bool
	// fetchCode, when set, is the code of the NO answered to every body
	// FETCH (Gmail's OVERQUOTA, a backend down: UNAVAILABLE).
	fetchCode imap.ResponseCode
	// selectBad is the text of a BAD answered to SELECT.
	selectBad string
	// vanish are left out of body FETCHes and of searches, as messages
	// expunged by another client between the sizes and the bodies.
	vanish map[uint32]bool
}

type testServer struct {
	t    *testing.T
	opts testServerOptions
	user *imapmemserver.User
	host string
	port int
	ca   string // PEM file of the CA that signed the server's certificate

	mu       sync.Mutex
	searches int      // SEARCH commands answered, refused ones included
	calls    []string // "COPY 3 Dest", "STORE 3 +\Deleted", "EXPUNGE 3", "MOVE 3 Dest"
	copyFail bool
	stall    chan struct{} // when set, SELECT waits for it to close
}

func newTestServer(t *testing.T, opts testServerOptions) *testServer {
	t.Helper()
	if opts.caps == nil {
		opts.caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}, imap.CapSpecialUse: {}}
	}
	if opts.mechs == nil {
		opts.mechs = []string{sasl.Plain, XOAuth2, sasl.OAuthBearer}
	}
	if opts.password == "" {
		opts.password = testPassword
	}
	ts := &testServer{t: t, opts: opts, user: imapmemserver.NewUser(testUser, opts.password)}
	if err := ts.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	so := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &testSession{srv: ts}, nil, nil
		},
		Caps:         opts.caps,
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	}
	if opts.tls != "" {
		cert, caFile := testCertificate(t, opts.certName)
		ts.ca = caFile
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
		switch opts.tls {
		case TLSImplicit:
			ln = tls.NewListener(ln, cfg)
		case TLSStartTLS:
			so.TLSConfig = cfg
		}
	}
	srv := imapserver.New(so)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ts.host = "127.0.0.1"
	ts.port = ln.Addr().(*net.TCPAddr).Port
	return ts
}

// account returns an account for the server with the password in an
// environment variable.
func (ts *testServer) account(t *testing.T) Account {
	t.Setenv("TRIAGE_TEST_PASSWORD", testPassword)
	a := Account{
		Name: "test", Host: ts.host, Port: ts.port, Username: testUser,
		PasswordEnv: "TRIAGE_TEST_PASSWORD", Timeout: Duration{5 * time.Second},
		TLS: ts.opts.tls, TLSCAFile: ts.ca,
	}
	if a.TLS == "" {
		a.TLS = TLSNone
	}
	return a
}

func (ts *testServer) record(format string, args ...any) {
	ts.mu.Lock()
	ts.calls = append(ts.calls, fmt.Sprintf(format, args...))
	ts.mu.Unlock()
}

func (ts *testServer) recorded() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]string(nil), ts.calls...)
}

// count is how many recorded calls are exactly call.
func (ts *testServer) count(call string) int {
	n := 0
	for _, c := range ts.recorded() {
		if c == call {
			n++
		}
	}
	return n
}

type memLiteral struct{ *bytes.Reader }

func (l memLiteral) Size() int64 { return l.Reader.Size() }

// add appends a message to mailbox and returns its UID.
func (ts *testServer) add(mailbox string, msg []byte, flags ...imap.Flag) uint32 {
	ts.t.Helper()
	data, err := ts.user.Append(mailbox, memLiteral{bytes.NewReader(msg)}, &imap.AppendOptions{
		Flags: flags, Time: time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC),
	})
	if err != nil {
		ts.t.Fatal(err)
	}
	return uint32(data.UID)
}

func imapTestMessage(from, subject, messageID, body string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n"+
		"Date: Tue, 04 Mar 2025 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, testUser, subject, messageID, body))
}

type testSession struct {
	*imapmemserver.UserSession // nil until login
	srv                        *testServer
}

var (
	_ imapserver.SessionSASL = (*testSession)(nil)
	_ imapserver.SessionMove = (*testSession)(nil)
)

func (s *testSession) Login(username, password string) error {
	if err := s.srv.user.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.srv.user)
	return nil
}

func (s *testSession) AuthenticateMechanisms() []string { return s.srv.opts.mechs }

func (s *testSession) Authenticate(mech string) (sasl.Server, error) {
	offered := false
	for _, m := range s.srv.opts.mechs {
		offered = offered || m == mech
	}
	if !offered {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "mechanism not offered"}
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if s.srv.opts.busyLogin {
				return errBusy
			}
			if identity != "" && identity != username {
				return imapserver.ErrAuthFailed
			}
			return s.Login(username, password)
		}), nil
	case XOAuth2:
		return &xoauth2TestServer{login: s.tokenLogin}, nil
	case sasl.OAuthBearer:
		return sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if err := s.tokenLogin(o.Username, o.Token); err != nil {
				return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
			}
			return nil
		}), nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "unknown mechanism"}
}

func (s *testSession) tokenLogin(username, token string) error {
	if username != testUser || token != testToken {
		return imapserver.ErrAuthFailed
	}
	s.UserSession = imapmemserver.NewUserSession(s.srv.user)
	return nil
}

// xoauth2TestServer checks the XOAUTH2 exchange strictly, as Gmail and
// Microsoft 365 run it: the initial response must be exactly
// "user=" u ^A "auth=Bearer " token ^A ^A; a refused token gets a base64
// JSON error challenge, which the client must answer with an empty
// response before the tagged NO.
type xoauth2TestServer struct {
	login  func(user, token string) error
	failed bool
}

var errXOAuth2Syntax = &imap.Error{Type: imap.StatusResponseTypeBad, Text: "malformed XOAUTH2 response"}

func (s *xoauth2TestServer) Next(resp []byte) ([]byte, bool, error) {
	if s.failed {
		if len(resp) != 0 {
			return nil, true, &imap.Error{Type: imap.StatusResponseTypeBad, Text: "expected an empty response to the error challenge"}
		}
		return nil, true, imapserver.ErrAuthFailed
	}
	if resp == nil {
		return []byte{}, false, nil // ask for the initial response
	}
	user, token, err := parseXOAuth2(resp)
	if err != nil {
		return nil, true, errXOAuth2Syntax
	}
	if err := s.login(user, token); err != nil {
		s.failed = true
		challenge, _ := json.Marshal(map[string]string{
			"status": "401", "schemes": "Bearer", "scope": "https://mail.google.com/",
		})
		return challenge, false, nil
	}
	return nil, true, nil
}

func parseXOAuth2(resp []byte) (user, token string, err error) {
	s, ok := strings.CutSuffix(string(resp), "\x01\x01")
	if !ok {
		return "", "", errors.New("missing ^A^A terminator")
	}
	fields := strings.Split(s, "\x01")
	if len(fields) != 2 {
		return "", "", fmt.Errorf("%d fields, want 2", len(fields))
	}
	user, ok1 := strings.CutPrefix(fields[0], "user=")
	token, ok2 := strings.CutPrefix(fields[1], "auth=Bearer ")
	if !ok1 || !ok2 || user == "" || token == "" {
		return "", "", errors.New("bad user or auth field")
	}
	return user, token, nil
}

func (s *testSession) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	s.srv.mu.Lock()
	stall := s.srv.stall
	s.srv.mu.Unlock()
	if stall != nil {
		<-stall
	}
	if s.srv.opts.selectBad != "" {
		return nil, &imap.Error{Type: imap.StatusResponseTypeBad, Text: s.srv.opts.selectBad}
	}
	data, err := s.UserSession.Select(name, options)
	if err == nil && s.srv.opts.noKeywords {
		var perm []imap.Flag
		for _, f := range data.PermanentFlags {
			if f != imap.FlagWildcard {
				perm = append(perm, f)
			}
		}
		data.PermanentFlags = perm
	}
	return data, err
}

func (s *testSession) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	s.srv.mu.Lock()
	s.srv.searches++
	s.srv.mu.Unlock()
	if s.srv.opts.busySearch {
		return nil, errBusy
	}
	if s.srv.opts.refuseOr && len(criteria.Or) > 0 {
		return nil, &imap.Error{Type: imap.StatusResponseTypeBad, Text: "Command Argument Error. 11"}
	}
	if s.srv.opts.refuseSubject && hasSubjectKey(criteria) {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SUBJECT search not supported"}
	}
	data, err := s.UserSession.Search(kind, criteria, options)
	if err != nil || len(s.srv.opts.vanish) == 0 || kind != imapserver.NumKindUID {
		return data, err
	}
	var kept imap.UIDSet
	for _, u := range data.AllUIDs() {
		if !s.srv.opts.vanish[uint32(u)] {
			kept.AddNum(u)
		}
	}
	data.All = kept
	return data, nil
}

func (s *testSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	uidSet, ok := numSet.(imap.UIDSet)
	if !ok {
		return s.UserSession.Fetch(w, numSet, options)
	}
	body := len(options.BodySection) > 0
	if body && s.srv.opts.fetchCode != "" {
		s.srv.record("FETCH refused")
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: s.srv.opts.fetchCode, Text: "Account exceeded command or bandwidth limits"}
	}
	nums, static := uidSet.Nums()
	if !static || s.srv.opts.refuseFetch == nil && s.srv.opts.withhold == nil && s.srv.opts.vanish == nil {
		return s.UserSession.Fetch(w, numSet, options)
	}
	var keep imap.UIDSet
	for _, u := range nums {
		if s.srv.opts.refuseFetch[uint32(u)] && (body || s.srv.opts.refuseSizes) {
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable, Text: "UID FETCH Server error - Please try again later"}
		}
		if !(body && (s.srv.opts.withhold[uint32(u)] || s.srv.opts.vanish[uint32(u)])) {
			keep.AddNum(u)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	return s.UserSession.Fetch(w, keep, options)
}

func (s *testSession) Namespace() (*imap.NamespaceData, error) {
	s.srv.record("NAMESPACE")
	if s.srv.opts.badNamespace {
		return nil, &imap.Error{Type: imap.StatusResponseTypeBad, Text: "Command Error. 12"}
	}
	return s.UserSession.Namespace()
}

// errBusy is Dovecot's answer over its connection limit.
var errBusy = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeUnavailable,
	Text: "Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)"}

func hasSubjectKey(c *imap.SearchCriteria) bool {
	for _, h := range c.Header {
		if strings.EqualFold(h.Key, "Subject") {
			return true
		}
	}
	for _, or := range c.Or {
		if hasSubjectKey(&or[0]) || hasSubjectKey(&or[1]) {
			return true
		}
	}
	return false
}

func (s *testSession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	s.srv.record("COPY %v %s", numSet, dest)
	s.srv.mu.Lock()
	fail := s.srv.copyFail
	s.srv.mu.Unlock()
	if fail {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeOverQuota, Text: "Quota exceeded"}
	}
	data, err := s.UserSession.Copy(numSet, dest)
	return data, s.srv.tryCreate(err)
}

func (s *testSession) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	s.srv.record("MOVE %v %s", numSet, dest)
	return s.srv.tryCreate(s.UserSession.Move(w, numSet, dest))
}

func (ts *testServer) tryCreate(err error) error {
	var ie *imap.Error
	if ts.opts.noTryCreate && errors.As(err, &ie) && ie.Code == imap.ResponseCodeTryCreate {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "Mailbox does not exist"}
	}
	return err
}

func (s *testSession) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	s.srv.record("STORE %v %v", numSet, flags.Flags)
	return s.UserSession.Store(w, numSet, flags, options)
}

func (s *testSession) Expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	if uids == nil {
		s.srv.record("EXPUNGE all")
	} else {
		s.srv.record("EXPUNGE %v", *uids)
	}
	return s.UserSession.Expunge(w, uids)
}

// testCertificate makes a CA and a server certificate signed by it, for
// 127.0.0.1, ::1 and localhost (or for name only), and writes the CA to a
// PEM file.
func testCertificate(t *testing.T, name string) (tls.Certificate, string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "triage test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if name != "" {
		tmpl.DNSNames, tmpl.IPAddresses = []string{name}, nil
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, caFile
}
