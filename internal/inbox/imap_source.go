package inbox

import (
	"net/url"
	"strconv"
	"strings"
)

// Source names a message in an IMAP mailbox for triage's output, in the
// shape of an IMAP URL (RFC 5092):
// imap://<account>/<mailbox>;UIDVALIDITY=<v>/;UID=<u>, where account is
// the account's name in the config. The account name and each level of
// the mailbox name are percent-encoded where needed, so a ';', '?' or
// space in them cannot be confused with the URL's own parts; the '/'
// between mailbox levels stays.
//
// A dry sweep names every pending invitation it lists, so Source builds
// the name in one allocation (sourceSlow, its test oracle, is the plain
// form).
func Source(account, mailbox string, uidValidity, uid uint32) string {
	var b strings.Builder
	b.Grow(len("imap://;UIDVALIDITY=/;UID=") + len(account) + len(mailbox) + 20)
	b.WriteString("imap://")
	b.WriteString(url.PathEscape(account))
	b.WriteByte('/')
	first := true
	for level := range strings.SplitSeq(mailbox, "/") {
		if !first {
			b.WriteByte('/')
		}
		first = false
		b.WriteString(url.PathEscape(level))
	}
	var num [10]byte
	b.WriteString(";UIDVALIDITY=")
	b.Write(strconv.AppendUint(num[:0], uint64(uidValidity), 10))
	b.WriteString("/;UID=")
	b.Write(strconv.AppendUint(num[:0], uint64(uid), 10))
	return b.String()
}
