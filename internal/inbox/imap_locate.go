package inbox

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// MessageIDs returns the Message-ID of each of uids that still exists in
// the selected mailbox, normalised as Parse normalises it (no angle
// brackets, trimmed); a message without one maps to "". UIDs that no
// longer exist are left out. It asks for the Message-ID header field
// only, with BODY.PEEK (nothing is marked read), in one UID FETCH per
// metaChunk UIDs: a UID lookup, which the server answers from its index,
// unlike a header SEARCH that reads every message of the mailbox.
func (s *Session) MessageIDs(ctx context.Context, uids []uint32) (map[uint32]string, error) {
	if s.selected == nil {
		return nil, fmt.Errorf("fetch message-ids: %w", errNoMailbox)
	}
	uids = slices.Clone(uids)
	slices.Sort(uids)
	uids = slices.Compact(uids)
	uids = slices.DeleteFunc(uids, func(u uint32) bool { return u == 0 })
	ids := make(map[uint32]string, len(uids))
	if len(uids) == 0 {
		return ids, nil
	}
	const op = "fetch message-ids"
	done, err := s.begin(ctx, op)
	if err != nil {
		return nil, err
	}
	defer done()
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
	for chunk := range uidChunks(uids, metaChunk, metaChunk) {
		bufs, err := s.client.Fetch(uidSet(chunk...), &imap.FetchOptions{
			UID: true, BodySection: []*imap.FetchItemBodySection{section},
		}).Collect()
		if err != nil {
			return nil, s.fail(ctx, op, err)
		}
		for _, b := range bufs {
			// A FETCH the server sends on its own (a flag change) has no
			// UID or no section: not an answer to this command.
			if b.UID == 0 || !slices.Contains(chunk, uint32(b.UID)) {
				continue
			}
			hdr := b.FindBodySection(section)
			if hdr == nil {
				continue
			}
			ids[uint32(b.UID)] = headerMessageID(hdr)
		}
	}
	return ids, nil
}

// headerMessageID reads the Message-ID out of a header block, as Parse
// does (fillHeader): go-message's msg-id parser, else the raw value
// without angle brackets; "" when there is none or the header is
// unreadable.
func headerMessageID(hdr []byte) string {
	raw := slices.Concat(bytes.TrimRight(hdr, "\r\n"), []byte("\r\n\r\n"))
	th, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return ""
	}
	return messageID(mail.Header{Header: message.Header{Header: th}})
}
