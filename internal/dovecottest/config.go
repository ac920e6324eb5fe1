package dovecottest

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"text/template"
)

// config holds what varies in dovecot.conf.
type config struct {
	Dir                 string
	Instance            string
	IMAPPort, IMAPSPort int
	UID, GID            int
	Root                bool
	User, Group         string // the running user, when not root
	OAuth2              bool
	Separator, Prefix   string // the personal namespace's
}

// Dovecot 2.3 syntax. Dovecot rejects a setting on the same line as "{".
var configTemplate = template.Must(template.New("dovecot.conf").Parse(`# Written by triage's dovecottest for one test server.
instance_name = {{.Instance}}
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
log_path = {{.Dir}}/dovecot.log
protocols = imap
listen = 127.0.0.1
shutdown_clients = yes
disable_plaintext_auth = no
auth_mechanisms = plain login{{if .OAuth2}} xoauth2 oauthbearer{{end}}
auth_verbose = yes
auth_failure_delay = 0
mail_location = maildir:~/Maildir:LAYOUT=fs
mail_fsync = never
first_valid_uid = {{.UID}}
first_valid_gid = {{.GID}}
{{- if not .Root}}
default_internal_user = {{.User}}
default_login_user = {{.User}}
default_internal_group = {{.Group}}
{{- end}}

ssl = yes
ssl_cert = <{{.Dir}}/server.crt
ssl_key = <{{.Dir}}/server.key

# Passwords only for PLAIN and LOGIN, so a password sent as a bearer token
# is refused.
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {{.Dir}}/passwd
}
{{- if .OAuth2}}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {{.Dir}}/oauth2.conf
}
{{- end}}

userdb {
  driver = static
  # allow_all_users: userdb lookups (doveadm -u) need no passdb, which
  # the mechanism-bound passdbs above would all skip.
  args = uid={{.UID}} gid={{.GID}} home={{.Dir}}/home/%u allow_all_users=yes
}

namespace inbox {
  inbox = yes
  separator = {{.Separator}}
  prefix = {{.Prefix}}
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \Archive
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    port = {{.IMAPPort}}
  }
  inet_listener imaps {
    port = {{.IMAPSPort}}
    ssl = yes
  }
{{- if not .Root}}
  chroot =
{{- end}}
}
{{- if not .Root}}
service anvil {
  chroot =
}
service ipc {
  chroot =
}
{{- end}}
`))

func (c config) write(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write dovecot.conf: %w", err)
	}
	if err := configTemplate.Execute(f, c); err != nil {
		f.Close()
		return fmt.Errorf("write dovecot.conf: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write dovecot.conf: %w", err)
	}
	return nil
}

// identity is the owner of the mail files.
type identity struct {
	uid, gid    int
	user, group string
}

// mailIdentity returns "nobody" when running as root (Dovecot refuses to
// store mail as root), else the running user.
func mailIdentity() (identity, error) {
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			return identity{}, fmt.Errorf("look up the mail user nobody: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return identity{uid: uid, gid: gid, user: u.Username}, nil
	}
	u, err := user.Current()
	if err != nil {
		return identity{}, fmt.Errorf("look up the current user: %w", err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return identity{}, fmt.Errorf("look up the current group: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return identity{uid: uid, gid: gid, user: u.Username, group: g.Name}, nil
}

// lookupGroupOf returns the primary group id of a system user.
func lookupGroupOf(name string) (int, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(u.Gid)
}
