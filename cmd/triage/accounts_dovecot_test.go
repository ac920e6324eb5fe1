package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/dovecottest"
)

// TestAccountsTestFolders runs `accounts test` against a Dovecot that
// names mailboxes as Cyrus and Courier do ("." between levels, every
// folder under "INBOX."): it says so, and shows the name each configured
// move_to and copy_to becomes there.
func TestAccountsTestFolders(t *testing.T) {
	const user, password = "dotted", "dovecot-test-Passw0rd"
	srv := dovecottest.Start(t, dovecottest.Options{Users: map[string]string{user: password}, Separator: ".", Prefix: "INBOX."})
	dir := t.TempDir()
	config := filepath.Join(dir, "config.toml")
	conf := fmt.Sprintf(`state_dir = %q

[[account]]
name = "dotted"
host = %q
port = %d
tls = "none"
username = %q
password_env = "TRIAGE_TEST_PASSWORD"

[actions.ignore]
move_to = "LinkedIn/Ignore"

[actions.accept]
copy_to = "INBOX.LinkedIn.Accepted"
`, filepath.Join(dir, "state"), srv.Host, srv.IMAPPort, user)
	if err := os.WriteFile(config, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	r := triage(t, []string{"TRIAGE_TEST_PASSWORD=" + password}, "accounts", "test", "--config", config)
	r.check(t, "accounts test", 0)
	for _, want := range []string{
		`folders       levels separated by ".", your folders under "INBOX."`,
		`actions.ignore.move_to "LinkedIn/Ignore" is "INBOX.LinkedIn.Ignore" on this server`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("accounts test output lacks %q:\n%s", want, r.stdout)
		}
	}
	// A name written as the server spells it needs no word.
	if strings.Contains(r.stdout, "copy_to") {
		t.Errorf("accounts test explains a copy_to already in the server's spelling:\n%s", r.stdout)
	}
}
