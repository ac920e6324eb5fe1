// Package reply drafts the short message that asks a borderline inviter what
// the connection is for.
package reply

// Draft is a reply ready for the user to send or edit.
type Draft struct {
	To      string // the inviter's name
	Subject string
	Body    string
}

// Config is the [reply] section of the config file. Empty fields mean the
// built-in subject and template.
type Config struct {
	Subject string `toml:"subject"`
	// Template is a text/template rendered with the invitation and decision.
	Template string `toml:"template"`
}
