package inbox

import "time"

// Account is one IMAP account as the config's [[account]] table describes
// it. Zero values mean the documented defaults; see config.example.toml.
type Account struct {
	Name     string `toml:"name"`
	Host     string `toml:"host"`
	Port     int    `toml:"port"` // default 993 for tls = "implicit", 143 otherwise
	TLS      string `toml:"tls"`  // "implicit" (default), "starttls" or "none"
	Username string `toml:"username"`
	Mailbox  string `toml:"mailbox"` // default INBOX
	// TLSCAFile is a PEM bundle of extra CAs for servers with a private CA.
	TLSCAFile string `toml:"tls_ca_file"`
	// AllowInsecure permits tls = "none" to a host that is not loopback.
	AllowInsecure bool     `toml:"allow_insecure"`
	Auth          string   `toml:"auth"`    // "plain" (default), "xoauth2" or "oauthbearer"
	Timeout       Duration `toml:"timeout"` // default 30s

	// Exactly one secret source; none set means password_env = TRIAGE_PASSWORD.
	PasswordCommand string `toml:"password_command"`
	PasswordEnv     string `toml:"password_env"`
	Password        string `toml:"password"`
	TokenCommand    string `toml:"token_command"`
}

// Duration is a time.Duration that TOML writes as a string such as "30s".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.Duration.String()), nil }

// Action is what a sweep with --apply does to the message of an invitation
// with a given verdict ([actions.accept], [actions.ignore], ...).
type Action struct {
	MoveTo   string `toml:"move_to"`   // a mailbox, created when missing
	CopyTo   string `toml:"copy_to"`   // a mailbox (a Gmail label), created when missing
	Keyword  string `toml:"keyword"`   // e.g. "$Triage_clarify", only where PERMANENTFLAGS allow keywords
	MarkSeen bool   `toml:"mark_seen"` // set \Seen
}
