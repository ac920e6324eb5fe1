package inbox

import (
	"context"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// Mailbox names. The config writes a mailbox's levels with "/"
// ("LinkedIn/Ignore"), as Gmail, Exchange, iCloud and most Dovecot
// installations name them. Other servers use another separator, and some
// keep every personal mailbox under a prefix: Cyrus (Fastmail's server)
// and Courier in their standard namespace, where the user's "LinkedIn"
// folder is "INBOX.LinkedIn" and "LinkedIn/Ignore" is refused as an
// invalid name. The session asks the server once, when it first needs a
// mailbox other than INBOX, and translates.

// mailboxNaming is what a server says about its mailbox names.
type mailboxNaming struct {
	// delim is the hierarchy separator of the personal namespace; 0 when
	// the server has no hierarchy.
	delim rune
	// prefix is the personal namespace's prefix ("" on most servers,
	// "INBOX." on Cyrus and Courier).
	prefix string
	// others are the prefixes of the other users' and shared namespaces:
	// names under them are not moved into the personal one.
	others []string
}

// serverName is the server's name for mailbox, a name as the config
// writes it: "/" between levels becomes the server's separator, and a
// name outside every namespace is put under the personal prefix. A name
// already written as the server spells it ("INBOX.LinkedIn" on Cyrus)
// stays as it is; INBOX is always INBOX.
func (n mailboxNaming) serverName(mailbox string) string {
	if strings.EqualFold(mailbox, "INBOX") {
		return mailbox
	}
	name := mailbox
	if n.delim != 0 && n.delim != '/' {
		name = strings.ReplaceAll(name, "/", string(n.delim))
	}
	prefix := n.prefix
	if prefix != "" && n.delim != 0 && !strings.HasSuffix(prefix, string(n.delim)) {
		prefix += string(n.delim) // "INBOX" and "." name "INBOX.LinkedIn"
	}
	switch {
	case prefix == "" || strings.EqualFold(name, strings.TrimSuffix(prefix, string(n.delim))):
		return name
	case hasPrefixFold(name, prefix):
		// In the server's spelling ("Inbox.LinkedIn" is "INBOX.LinkedIn").
		return prefix + name[len(prefix):]
	}
	for _, o := range n.others {
		if o != "" && strings.HasPrefix(name, o) {
			return name
		}
	}
	return prefix + name
}

// serverMailbox returns the server's name for mailbox (see
// mailboxNaming.serverName), asking the server how it names mailboxes the
// first time a name other than INBOX needs it: NAMESPACE when the server
// has it, else LIST "" "" for the separator alone. The caller holds the
// connection (Session.begin).
func (s *Session) serverMailbox(mailbox string) (string, error) {
	if strings.EqualFold(mailbox, "INBOX") {
		return mailbox, nil
	}
	if err := s.knowNaming(); err != nil {
		return "", err
	}
	return s.naming.serverName(mailbox), nil
}

// knowNaming asks the server how it names mailboxes unless the session
// knows already. The caller holds the connection.
func (s *Session) knowNaming() error {
	if s.naming != nil {
		return nil
	}
	n, err := s.learnNaming()
	if err != nil {
		return fmt.Errorf("learning how the server names mailboxes: %w", err)
	}
	s.naming = &n
	s.log.Debug("imap mailbox naming", "separator", string(n.delim), "prefix", n.prefix)
	return nil
}

// learnNamingNow asks the server how it names mailboxes, unless the
// session knows already.
func (s *Session) learnNamingNow(ctx context.Context) error {
	if s.naming != nil {
		return nil
	}
	const op = "namespace"
	done, err := s.begin(ctx, op)
	if err != nil {
		return err
	}
	defer done()
	if err := s.knowNaming(); err != nil {
		return s.fail(ctx, op, err)
	}
	return nil
}

func (s *Session) learnNaming() (mailboxNaming, error) {
	if s.imapCap.Has(imap.CapNamespace) {
		data, err := s.client.Namespace().Wait()
		switch {
		case err == nil && len(data.Personal) > 0:
			n := mailboxNaming{delim: data.Personal[0].Delim, prefix: data.Personal[0].Prefix}
			for _, d := range append(data.Other, data.Shared...) {
				n.others = append(n.others, d.Prefix)
			}
			return n, nil
		case err != nil && (!refused(err) || isUnavailable(err)):
			// A passing refusal is not learnt for the session.
			return mailboxNaming{}, err
		}
		s.log.Debug("imap namespace gave no personal namespace; asking LIST", "err", err)
	}
	list, err := s.client.List("", "", nil).Collect()
	switch {
	case err == nil && len(list) > 0:
		return mailboxNaming{delim: list[0].Delim}, nil
	case err != nil && (!refused(err) || isUnavailable(err)):
		return mailboxNaming{}, err
	}
	// Nothing to go by: names go as the config writes them, as they
	// always did.
	s.log.Debug("imap list gave no separator; mailbox names used as written", "err", err)
	return mailboxNaming{delim: '/'}, nil
}
