package dovecottest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// introspector is an OAuth2 token introspection endpoint (RFC 7662 style)
// on loopback that Dovecot's oauth2 passdb asks about every bearer token.
type introspector struct {
	srv      *http.Server
	addr     string
	mu       sync.Mutex
	tokens   map[string]string // token -> user
	users    map[string]string
	requests int
}

func startIntrospector(users map[string]string) (*introspector, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start token introspection server: %w", err)
	}
	in := &introspector{addr: l.Addr().String(), tokens: map[string]string{}, users: users}
	in.srv = &http.Server{Handler: http.HandlerFunc(in.serveHTTP), ReadHeaderTimeout: 10 * time.Second}
	go in.srv.Serve(l)
	return in, nil
}

// writeConfig writes Dovecot's oauth2 passdb configuration.
func (in *introspector) writeConfig(path string) error {
	conf := fmt.Sprintf(`introspection_mode = post
introspection_url = http://%s/introspect
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
`, in.addr)
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return fmt.Errorf("write oauth2 passdb config: %w", err)
	}
	return nil
}

func (in *introspector) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// Dovecot's "post" mode sends the token as a form field; "auth" and
	// "get" modes, should the config change, send it as a bearer header.
	token := ""
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err == nil {
			token = r.PostForm.Get("token")
		}
	}
	if token == "" {
		token, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	in.mu.Lock()
	in.requests++
	user, ok := in.tokens[token]
	in.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	resp := map[string]any{"active": false}
	if ok && token != "" {
		resp = map[string]any{"active": true, "username": user}
	}
	json.NewEncoder(w).Encode(resp)
}

func (in *introspector) issue(user string) (string, error) {
	if _, ok := in.users[user]; !ok {
		return "", fmt.Errorf("issue token: unknown user %q", user)
	}
	token := "tok-" + randomHex(16)
	in.mu.Lock()
	in.tokens[token] = user
	in.mu.Unlock()
	return token, nil
}

func (in *introspector) revoke(token string) {
	in.mu.Lock()
	delete(in.tokens, token)
	in.mu.Unlock()
}

func (in *introspector) count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.requests
}

func (in *introspector) close() { in.srv.Close() }

// ErrNoOAuth2 is returned by the token methods of a server started without
// Options.OAuth2.
var ErrNoOAuth2 = errors.New("server was started without Options.OAuth2")

// IssueToken returns a new bearer token that Dovecot accepts for user with
// XOAUTH2 and OAUTHBEARER until it is revoked.
func (s *Server) IssueToken(user string) (string, error) {
	if s.oauth == nil {
		return "", ErrNoOAuth2
	}
	return s.oauth.issue(user)
}

// RevokeToken makes Dovecot reject token from now on.
func (s *Server) RevokeToken(token string) error {
	if s.oauth == nil {
		return ErrNoOAuth2
	}
	s.oauth.revoke(token)
	return nil
}

// IntrospectionRequests returns how many times Dovecot has asked the
// introspection server about a token, so tests can prove a token was
// checked.
func (s *Server) IntrospectionRequests() int {
	if s.oauth == nil {
		return 0
	}
	return s.oauth.count()
}
