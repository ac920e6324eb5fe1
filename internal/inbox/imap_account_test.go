package inbox

import (
	"strings"
	"testing"
	"time"
)

func TestAccountValidate(t *testing.T) {
	ok := Account{Name: "work", Host: "imap.example.com", Username: "me@example.com"}
	tests := []struct {
		name string
		edit func(*Account)
		want []string // substrings of the error; none: valid
	}{
		{"minimal", func(a *Account) {}, nil},
		{"defaults applied", func(a *Account) { *a = a.WithDefaults() }, nil},
		{"starttls", func(a *Account) { a.TLS = TLSStartTLS; a.Port = 143 }, nil},
		{"no host", func(a *Account) { a.Host = "" }, []string{"host: required"}},
		{"url host", func(a *Account) { a.Host = "imaps://imap.example.com" }, []string{"host:", "not a URL"}},
		{"host with port", func(a *Account) { a.Host = "imap.example.com:993" }, []string{"host:", "must not include a port"}},
		{"ipv6 host", func(a *Account) { a.Host = "2001:db8::1" }, nil},
		{"no username", func(a *Account) { a.Username = "" }, []string{"username: required"}},
		{"port", func(a *Account) { a.Port = 70000 }, []string{"port: 70000"}},
		{"negative port", func(a *Account) { a.Port = -1 }, []string{"port: -1"}},
		{"bad tls", func(a *Account) { a.TLS = "ssl" }, []string{`tls: "ssl": must be "implicit", "starttls" or "none"`}},
		{"bad auth", func(a *Account) { a.Auth = "login" }, []string{`auth: "login"`}},
		{"negative timeout", func(a *Account) { a.Timeout = Duration{-time.Second} }, []string{"timeout:"}},
		{"tls none remote", func(a *Account) { a.TLS = TLSNone }, []string{`tls: "none"`, "allow_insecure"}},
		{"tls none remote allowed", func(a *Account) { a.TLS = TLSNone; a.AllowInsecure = true }, nil},
		{"tls none localhost", func(a *Account) { a.TLS = TLSNone; a.Host = "localhost" }, nil},
		{"tls none 127.0.0.1", func(a *Account) { a.TLS = TLSNone; a.Host = "127.0.0.1" }, nil},
		{"tls none 127.8.9.10", func(a *Account) { a.TLS = TLSNone; a.Host = "127.8.9.10" }, nil},
		{"tls none ::1", func(a *Account) { a.TLS = TLSNone; a.Host = "::1" }, nil},
		{"tls none [::1]", func(a *Account) { a.TLS = TLSNone; a.Host = "[::1]" }, nil},
		{"tls none localhost.example.com", func(a *Account) { a.TLS = TLSNone; a.Host = "localhost.example.com" }, []string{`tls: "none"`}},
		{"tls none 10.0.0.1", func(a *Account) { a.TLS = TLSNone; a.Host = "10.0.0.1" }, []string{`tls: "none"`}},
		{"tls none 127.0.0.1.nip.io", func(a *Account) { a.TLS = TLSNone; a.Host = "127.0.0.1.nip.io" }, []string{`tls: "none"`}},
		{"ca file without tls", func(a *Account) { a.TLS = TLSNone; a.Host = "localhost"; a.TLSCAFile = "ca.pem" }, []string{"tls_ca_file:"}},
		{"password command", func(a *Account) { a.PasswordCommand = "pass show mail" }, nil},
		{"password", func(a *Account) { a.Password = "x" }, nil},
		{"two sources", func(a *Account) { a.PasswordCommand = "pass show mail"; a.Password = "x" },
			[]string{"password_command, password: set only one secret source"}},
		{"three sources", func(a *Account) { a.PasswordEnv = "P"; a.Password = "x"; a.TokenCommand = "t" },
			[]string{"password_env, password, token_command: set only one"}},
		{"xoauth2", func(a *Account) { a.Auth = AuthXOAuth2; a.TokenCommand = "oauth2 token" }, nil},
		{"oauthbearer", func(a *Account) { a.Auth = AuthOAuthBearer; a.TokenCommand = "oauth2 token" }, nil},
		{"xoauth2 without token", func(a *Account) { a.Auth = AuthXOAuth2 }, []string{`token_command: required for auth = "xoauth2"`}},
		{"xoauth2 with password", func(a *Account) { a.Auth = AuthXOAuth2; a.PasswordEnv = "P" }, []string{"token_command: required"}},
		{"token without oauth", func(a *Account) { a.TokenCommand = "t" }, []string{`token_command: only for auth = "xoauth2" or "oauthbearer"`}},
		{"bad env name", func(a *Account) { a.PasswordEnv = "A=B" }, []string{"password_env:"}},
		{"several problems", func(a *Account) { a.Host = ""; a.TLS = "x" }, []string{"host: required", "tls:"}},
	}
	for _, tt := range tests {
		a := ok
		tt.edit(&a)
		err := a.Validate()
		if len(tt.want) == 0 {
			if err != nil {
				t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: Validate() = nil, want error with %q", tt.name, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Validate() = %q, want it to contain %q", tt.name, err, w)
			}
		}
	}
}

func TestAccountWithDefaults(t *testing.T) {
	tests := []struct {
		in, want Account
	}{
		{Account{Host: "h"}, Account{Host: "h", TLS: TLSImplicit, Port: 993, Mailbox: "INBOX", Auth: AuthPlain,
			Timeout: Duration{30 * time.Second}, PasswordEnv: "TRIAGE_PASSWORD"}},
		{Account{Host: "h", TLS: TLSStartTLS}, Account{Host: "h", TLS: TLSStartTLS, Port: 143, Mailbox: "INBOX", Auth: AuthPlain,
			Timeout: Duration{30 * time.Second}, PasswordEnv: "TRIAGE_PASSWORD"}},
		{Account{Host: "h", TLS: TLSNone, Port: 1143, Mailbox: "LinkedIn", Timeout: Duration{time.Second}, PasswordCommand: "c"},
			Account{Host: "h", TLS: TLSNone, Port: 1143, Mailbox: "LinkedIn", Auth: AuthPlain, Timeout: Duration{time.Second}, PasswordCommand: "c"}},
		{Account{Host: "h", Auth: AuthXOAuth2}, Account{Host: "h", TLS: TLSImplicit, Port: 993, Mailbox: "INBOX", Auth: AuthXOAuth2,
			Timeout: Duration{30 * time.Second}}},
	}
	for _, tt := range tests {
		if got := tt.in.WithDefaults(); got != tt.want {
			t.Errorf("%+v.WithDefaults() = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestIsLoopbackHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true}, {"LocalHost.", true}, {"127.0.0.1", true}, {"127.255.0.9", true},
		{"::1", true}, {"[::1]", true}, {"::ffff:127.0.0.1", true},
		{"localhost.localdomain", false}, {"128.0.0.1", false}, {"::2", false}, {"example.com", false},
		{"0.0.0.0", false}, {"", false},
	}
	for _, tt := range tests {
		if got := isLoopbackHost(tt.host); got != tt.want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}
