package inbox

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Account defaults, applied by WithDefaults.
const (
	DefaultMailbox     = "INBOX"
	DefaultPasswordEnv = "TRIAGE_PASSWORD"
	DefaultTimeout     = 30 * time.Second
)

// Values of Account.TLS and Account.Auth.
const (
	TLSImplicit = "implicit"
	TLSStartTLS = "starttls"
	TLSNone     = "none"

	AuthPlain       = "plain"
	AuthXOAuth2     = "xoauth2"
	AuthOAuthBearer = "oauthbearer"
)

// WithDefaults returns a copy of a with the documented defaults filled in:
// tls "implicit", port 993 (implicit) or 143 (starttls, none), mailbox
// INBOX, auth "plain", timeout 30s, and password_env TRIAGE_PASSWORD when
// no secret source is set and auth is "plain".
func (a Account) WithDefaults() Account {
	if a.TLS == "" {
		a.TLS = TLSImplicit
	}
	if a.Port == 0 {
		if a.TLS == TLSImplicit {
			a.Port = 993
		} else {
			a.Port = 143
		}
	}
	if a.Mailbox == "" {
		a.Mailbox = DefaultMailbox
	}
	if a.Auth == "" {
		a.Auth = AuthPlain
	}
	if a.Timeout.Duration == 0 {
		a.Timeout.Duration = DefaultTimeout
	}
	if a.Auth == AuthPlain && a.secretSources() == nil {
		a.PasswordEnv = DefaultPasswordEnv
	}
	return a
}

// secretSources lists the TOML keys of the secret sources that are set.
func (a Account) secretSources() []string {
	var set []string
	for _, s := range []struct{ key, val string }{
		{"password_command", a.PasswordCommand},
		{"password_env", a.PasswordEnv},
		{"password", a.Password},
		{"token_command", a.TokenCommand},
	} {
		if s.val != "" {
			set = append(set, s.key)
		}
	}
	return set
}

// Validate checks the account as the config file gives it (before or after
// WithDefaults). Each problem is reported as "key: problem" with the TOML
// key; several problems are joined.
func (a Account) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	host := strings.TrimSpace(a.Host)
	switch {
	case host == "":
		bad("host: required")
	case strings.Contains(host, "://") || strings.ContainsAny(host, " /\t"):
		bad("host: %q must be a host name or IP address, not a URL", a.Host)
	case strings.Contains(host, ":") && !isIPv6Literal(host):
		bad("host: %q must not include a port; set port instead", a.Host)
	}
	if a.Port < 0 || a.Port > 65535 {
		bad("port: %d is out of range 1-65535", a.Port)
	}
	if a.Username == "" {
		bad("username: required")
	}

	switch a.TLS {
	case "", TLSImplicit, TLSStartTLS:
	case TLSNone:
		if !a.AllowInsecure && host != "" && !isLoopbackHost(host) {
			bad(`tls: "none" sends credentials and mail in clear text; it is allowed only for a loopback host (localhost, 127.0.0.1, ::1) or with allow_insecure = true`)
		}
	default:
		bad(`tls: %q: must be "implicit", "starttls" or "none"`, a.TLS)
	}
	if a.TLS == TLSNone && a.TLSCAFile != "" {
		bad(`tls_ca_file: set but tls = "none" uses no TLS`)
	}

	auth := a.Auth
	switch auth {
	case "", AuthPlain, AuthXOAuth2, AuthOAuthBearer:
	default:
		bad(`auth: %q: must be "plain", "xoauth2" or "oauthbearer"`, a.Auth)
	}
	if a.Timeout.Duration < 0 {
		bad("timeout: %v must not be negative", a.Timeout.Duration)
	}

	sources := a.secretSources()
	if len(sources) > 1 {
		bad("%s: set only one secret source", strings.Join(sources, ", "))
	}
	oauth := auth == AuthXOAuth2 || auth == AuthOAuthBearer
	switch {
	case oauth && a.TokenCommand == "":
		bad("token_command: required for auth = %q", auth)
	case !oauth && a.TokenCommand != "":
		bad(`token_command: only for auth = "xoauth2" or "oauthbearer"`)
	}
	if a.PasswordEnv != "" && strings.ContainsAny(a.PasswordEnv, "= \t") {
		bad("password_env: %q is not an environment variable name", a.PasswordEnv)
	}
	return errors.Join(errs...)
}

// isLoopbackHost reports whether host names the local machine without
// asking DNS: "localhost" or a loopback IP literal (127.0.0.0/8, ::1,
// optionally in brackets).
func isLoopbackHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" {
		return true
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	ip, err := netip.ParseAddr(h)
	if err != nil {
		return false
	}
	return ip.Unmap().IsLoopback()
}

func isIPv6Literal(host string) bool {
	ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return err == nil && ip.Is6()
}

// timeout is the account's network timeout, with the default.
func (a Account) timeout() time.Duration {
	if a.Timeout.Duration > 0 {
		return a.Timeout.Duration
	}
	return DefaultTimeout
}
