package inbox

import (
	"fmt"
	"net/url"
	"strings"
)

// Source names a message in an IMAP mailbox for triage's output, in the
// shape of an IMAP URL (RFC 5092):
// imap://<account>/<mailbox>;UIDVALIDITY=<v>/;UID=<u>, where account is
// the account's name in the config. The account name and each level of
// the mailbox name are percent-encoded where needed, so a ';', '?' or
// space in them cannot be confused with the URL's own parts; the '/'
// between mailbox levels stays.
func Source(account, mailbox string, uidValidity, uid uint32) string {
	levels := strings.Split(mailbox, "/")
	for i, l := range levels {
		levels[i] = url.PathEscape(l)
	}
	return fmt.Sprintf("imap://%s/%s;UIDVALIDITY=%d/;UID=%d",
		url.PathEscape(account), strings.Join(levels, "/"), uidValidity, uid)
}
