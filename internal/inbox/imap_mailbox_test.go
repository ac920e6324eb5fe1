package inbox

import "testing"

func TestServerName(t *testing.T) {
	slash := mailboxNaming{delim: '/'}
	cyrus := mailboxNaming{delim: '.', prefix: "INBOX.", others: []string{"user.", ""}}
	courier := mailboxNaming{delim: '.', prefix: "INBOX.", others: []string{"#shared."}}
	dotted := mailboxNaming{delim: '.'}
	flat := mailboxNaming{}
	for _, tc := range []struct {
		naming mailboxNaming
		in     string
		want   string
	}{
		// Gmail, Exchange, iCloud, Dovecot's usual config: as written.
		{slash, "LinkedIn/Ignore", "LinkedIn/Ignore"},
		{slash, "[Gmail]/All Mail", "[Gmail]/All Mail"},
		{slash, "INBOX", "INBOX"},
		// Cyrus and Courier: levels with ".", under INBOX.
		{cyrus, "LinkedIn/Ignore", "INBOX.LinkedIn.Ignore"},
		{cyrus, "LinkedIn", "INBOX.LinkedIn"},
		{cyrus, "INBOX", "INBOX"},
		{cyrus, "inbox", "inbox"},
		{cyrus, "INBOX/LinkedIn", "INBOX.LinkedIn"},
		// Written as the server spells it: unchanged.
		{cyrus, "INBOX.LinkedIn.Ignore", "INBOX.LinkedIn.Ignore"},
		{cyrus, "Inbox.LinkedIn", "INBOX.LinkedIn"},
		// A prefix written without its separator.
		{mailboxNaming{delim: '.', prefix: "INBOX"}, "LinkedIn/Ignore", "INBOX.LinkedIn.Ignore"},
		{mailboxNaming{delim: '.', prefix: "INBOX"}, "INBOX", "INBOX"},
		// Another user's or a shared folder stays in its namespace.
		{cyrus, "user.robin.LinkedIn", "user.robin.LinkedIn"},
		{courier, "#shared.Sales", "#shared.Sales"},
		{courier, "Sales/Leads", "INBOX.Sales.Leads"},
		// Dovecot with "." and no prefix.
		{dotted, "LinkedIn/Ignore", "LinkedIn.Ignore"},
		// No hierarchy: a "/" is part of the name.
		{flat, "LinkedIn/Ignore", "LinkedIn/Ignore"},
	} {
		got := tc.naming.serverName(tc.in)
		if got != tc.want {
			t.Errorf("%+v: serverName(%q) = %q, want %q", tc.naming, tc.in, got, tc.want)
		}
		if again := tc.naming.serverName(got); again != got {
			t.Errorf("%+v: serverName(%q) = %q, not a server name: it becomes %q", tc.naming, got, got, again)
		}
	}
}
