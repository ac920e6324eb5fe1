package inbox

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// LinkedInDomain is what the candidate search looks for in From.
const LinkedInDomain = "linkedin.com"

// Fetch batching: sizes, then bodies, are asked for a chunk of UIDs at a
// time: firstChunk UIDs first, so that parsing starts after a short sizes
// round trip, then metaChunk at a time, whose sizes round trip overlaps
// the parsing of the chunk before (the sweep still has its last messages
// in the pipeline). No chunk's UID set is longer than maxSetBytes.
const (
	firstChunk = 256
	metaChunk  = 4096
	// maxSetBytes caps the UID set of one command: RFC 7162 (section 4)
	// asks clients to keep command lines to about 8192 octets, and
	// Microsoft Exchange answers BAD to longer ones. 4,096 scattered
	// six-digit UIDs would take 28 KB.
	maxSetBytes = 8000
)

// fetchChunks splits uids into a first chunk of firstChunk UIDs and then
// chunks of metaChunk, each short enough to send (uidChunks).
func fetchChunks(uids []uint32) iter.Seq[[]uint32] {
	return uidChunks(uids, firstChunk, metaChunk)
}

// uidChunks splits sorted, distinct uids into chunks of at most first
// UIDs, then at most most UIDs, whose UID sets (runs of consecutive UIDs
// written as "a:b") are at most maxSetBytes long.
func uidChunks(uids []uint32, first, most int) iter.Seq[[]uint32] {
	return func(yield func([]uint32) bool) {
		limit := first
		// The chunk is uids[start:i]: its finished runs take closed bytes
		// (commas included), its last run is uids[run:i].
		start, run, closed := 0, 0, 0
		for i, u := range uids {
			size := closed + runLen(uids[run], u)
			if i > start && u != uids[i-1]+1 {
				size = closed + runLen(uids[run], uids[i-1]) + 1 + digits(u)
			}
			if i > start && (i-start >= limit || size > maxSetBytes) {
				if !yield(uids[start:i]) {
					return
				}
				start, run, closed, limit = i, i, 0, most
				continue
			}
			if i > start && u != uids[i-1]+1 {
				closed += runLen(uids[run], uids[i-1]) + 1
				run = i
			}
		}
		if start < len(uids) {
			yield(uids[start:])
		}
	}
}

// runLen is the length of the run a..b in a UID set: "a" or "a:b".
func runLen(a, b uint32) int {
	if a == b {
		return digits(a)
	}
	return digits(a) + 1 + digits(b)
}

// digits is the length of u in decimal.
func digits(u uint32) int {
	n := 1
	for u >= 10 {
		u /= 10
		n++
	}
	return n
}

// errNoMailbox reports a call that needs a selected mailbox.
var errNoMailbox = errors.New("no mailbox selected")

// Capabilities are the server capabilities that matter to triage.
type Capabilities struct {
	IMAP4rev2  bool
	Move       bool // MOVE (part of IMAP4rev2)
	UIDPlus    bool // UIDPLUS (part of IMAP4rev2): UID EXPUNGE of exactly one message
	CondStore  bool
	SpecialUse bool
	// All lists every capability the server announced after login, sorted.
	All []string
}

// Has reports whether the server announced capability name (any case).
func (c Capabilities) Has(name string) bool {
	return slices.ContainsFunc(c.All, func(s string) bool { return strings.EqualFold(s, name) })
}

func newCapabilities(set imap.CapSet) Capabilities {
	c := Capabilities{
		IMAP4rev2:  set.Has(imap.CapIMAP4rev2),
		Move:       set.Has(imap.CapMove),
		UIDPlus:    set.Has(imap.CapUIDPlus),
		CondStore:  set.Has(imap.CapCondStore),
		SpecialUse: set.Has(imap.CapSpecialUse),
	}
	for name := range set {
		c.All = append(c.All, string(name))
	}
	slices.Sort(c.All)
	return c
}

// Caps returns the server's capabilities as announced after login.
func (s *Session) Caps() Capabilities { return s.caps }

// MailboxStatus is what SELECT says about a mailbox.
type MailboxStatus struct {
	Name        string
	UIDValidity uint32
	UIDNext     uint32 // 0 when the server did not say
	Messages    uint32
	// PermanentFlags are the flags the client can store permanently.
	PermanentFlags []string
	// KeywordsAllowed is true when PERMANENTFLAGS holds \*: new keywords
	// such as $Triage_clarify can be stored.
	KeywordsAllowed bool
}

// Select opens mailbox for the other calls (read-write: keywords need it;
// fetching uses BODY.PEEK, so nothing is marked read).
func (s *Session) Select(ctx context.Context, mailbox string) (MailboxStatus, error) {
	op := fmt.Sprintf("select %q", mailbox)
	done, err := s.begin(ctx, op)
	if err != nil {
		return MailboxStatus{}, err
	}
	defer done()
	s.selected = nil
	name, err := s.serverMailbox(mailbox)
	if err != nil {
		return MailboxStatus{}, s.fail(ctx, op, err)
	}
	if name != mailbox {
		op += fmt.Sprintf(" (%q on the server)", name)
	}
	data, err := s.client.Select(name, nil).Wait()
	if err != nil {
		return MailboxStatus{}, s.fail(ctx, op, err)
	}
	if data.UIDValidity == 0 {
		return MailboxStatus{}, fmt.Errorf("%s: server sent no UIDVALIDITY", op)
	}
	st := MailboxStatus{
		Name:        mailbox,
		UIDValidity: data.UIDValidity,
		UIDNext:     uint32(data.UIDNext),
		Messages:    data.NumMessages,
	}
	for _, f := range data.PermanentFlags {
		st.PermanentFlags = append(st.PermanentFlags, string(f))
		if f == imap.FlagWildcard {
			st.KeywordsAllowed = true
		}
	}
	s.selected = &st
	s.log.Debug("imap select", "mailbox", mailbox, "uidvalidity", st.UIDValidity,
		"uidnext", st.UIDNext, "messages", st.Messages, "keywords", st.KeywordsAllowed)
	return st, nil
}

// SearchCriteria says which messages are candidate invitations: From
// contains linkedin.com, or Subject contains any of Subjects (so that
// look-alikes from other domains are found too).
type SearchCriteria struct {
	// Subjects are substrings of known invitation subjects.
	Subjects []string
	// SinceUID, when not 0, keeps only messages with a UID above it.
	SinceUID uint32
	// Recheck, with SinceUID, lists ranges of UIDs at or below SinceUID
	// to search as well: recent messages that a search index lagging
	// behind the mailbox may have missed before.
	Recheck []UIDRange
	// Since, when set, keeps only messages received on or after its date
	// (the server compares dates, not times).
	Since time.Time
}

func (c SearchCriteria) subjects() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range c.Subjects {
		s = strings.TrimSpace(s)
		if s == "" || seen[strings.ToLower(s)] {
			continue
		}
		seen[strings.ToLower(s)] = true
		out = append(out, s)
	}
	return out
}

func (c SearchCriteria) imapCriteria() *imap.SearchCriteria {
	crit := orTree(c.keys())
	c.limit(&crit)
	return &crit
}

// keys are the criteria the search ORs: FROM the LinkedIn domain, and a
// SUBJECT for each subject.
func (c SearchCriteria) keys() []imap.SearchCriteria {
	keys := []imap.SearchCriteria{{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: LinkedInDomain}}}}
	for _, s := range c.subjects() {
		keys = append(keys, imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: s}}})
	}
	return keys
}

// UIDRange is the UIDs First to Last, both included.
type UIDRange struct{ First, Last uint32 }

// limit adds the UID ranges and the internal date the search is limited
// to.
func (c SearchCriteria) limit(crit *imap.SearchCriteria) {
	if c.SinceUID > 0 {
		var set imap.UIDSet
		for _, r := range c.Recheck {
			set = append(set, imap.UIDRange{Start: imap.UID(r.First), Stop: imap.UID(r.Last)})
		}
		if c.SinceUID < math.MaxUint32 {
			set = append(set, imap.UIDRange{Start: imap.UID(c.SinceUID + 1), Stop: 0}) // n:*
		}
		crit.UID = []imap.UIDSet{set}
	}
	crit.Since = c.Since
}

// wanted reports whether uid is in the UIDs the search is limited to (a
// server answers "UID n:*" with the last message even when n is beyond
// it).
func (c SearchCriteria) wanted(uid uint32) bool {
	if uid > c.SinceUID {
		return true
	}
	for _, r := range c.Recheck {
		if r.First <= uid && uid <= r.Last {
			return true
		}
	}
	return false
}

// orTree ORs keys as a balanced tree, to keep the nesting shallow.
func orTree(keys []imap.SearchCriteria) imap.SearchCriteria {
	if len(keys) == 1 {
		return keys[0]
	}
	mid := len(keys) / 2
	return imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{orTree(keys[:mid]), orTree(keys[mid:])}}}
}

// String describes the search for people, e.g. for `triage accounts test`.
func (c SearchCriteria) String() string {
	parts := []string{fmt.Sprintf("FROM %q", LinkedInDomain)}
	for _, s := range c.subjects() {
		parts = append(parts, fmt.Sprintf("SUBJECT %q", s))
	}
	desc := strings.Join(parts, " OR ")
	if c.SinceUID > 0 {
		desc += fmt.Sprintf(", UID above %d", c.SinceUID)
		if len(c.Recheck) > 0 {
			desc += fmt.Sprintf(" or in %d recent ranges searched again", len(c.Recheck))
		}
	}
	if !c.Since.IsZero() {
		desc += ", received since " + c.Since.Format("2006-01-02")
	}
	return desc
}

// SearchCandidates runs one UID SEARCH in the selected mailbox and returns
// the matching UIDs in ascending order, all above SinceUID. (To save even
// that round trip, a caller can skip it when MailboxStatus.UIDNext is at
// most SinceUID+1: no message arrived since.)
//
// A server that refuses the search (BAD or NO: Microsoft Exchange's IMAP
// is known to reject ORs nested in parentheses, which is how go-imap
// writes them) is asked each criterion in a search of its own instead,
// one round trip each, and the results are joined; SearchSplit then
// reports true for the rest of the session, whose later searches go
// straight to the split form.
func (s *Session) SearchCandidates(ctx context.Context, c SearchCriteria) ([]uint32, error) {
	if s.selected == nil {
		return nil, fmt.Errorf("search: %w", errNoMailbox)
	}
	if c.SinceUID == math.MaxUint32 && len(c.Recheck) == 0 {
		return nil, nil
	}
	done, err := s.begin(ctx, "search")
	if err != nil {
		return nil, err
	}
	defer done()
	keys := c.keys()
	var found []imap.UID
	if !s.searchSplit {
		data, err := s.client.UIDSearch(c.imapCriteria(), nil).Wait()
		switch {
		case err == nil:
			found = data.AllUIDs()
		case refused(err) && !isUnavailable(err) && len(keys) > 1:
			s.log.Info("the server refused the combined search: searching one criterion at a time",
				"mailbox", s.selected.Name, "criteria", len(keys), "err", err)
			s.searchSplit = true
		default:
			return nil, s.fail(ctx, "search", err)
		}
	}
	if s.searchSplit {
		for i, key := range keys {
			c.limit(&key)
			data, err := s.client.UIDSearch(&key, nil).Wait()
			switch {
			case err == nil:
				found = append(found, data.AllUIDs()...)
			case i > 0 && refused(err) && !isUnavailable(err):
				// A subject, which only finds look-alikes the FROM
				// search does not: not worth failing the sweep for.
				s.log.Info("the server refused a subject search: skipped", "mailbox", s.selected.Name, "search", key.Header[0].Value, "err", err)
			default:
				return nil, s.fail(ctx, "search (one criterion at a time)", err)
			}
		}
	}
	var uids []uint32
	for _, u := range found {
		if c.wanted(uint32(u)) {
			uids = append(uids, uint32(u))
		}
	}
	slices.Sort(uids)
	uids = slices.Compact(uids)
	s.log.Debug("imap search", "mailbox", s.selected.Name, "since_uid", c.SinceUID, "candidates", len(uids), "split", s.searchSplit)
	return uids, nil
}

// SearchSplit reports whether the server refused the combined candidate
// search, so that SearchCandidates searches one criterion at a time.
func (s *Session) SearchSplit() bool { return s.searchSplit }

// asIMAPError returns the *imap.Error in err's chain, or nil.
func asIMAPError(err error) *imap.Error {
	var ie *imap.Error
	if errors.As(err, &ie) {
		return ie
	}
	return nil
}

// refused reports whether err is the server's BAD or NO to a command.
func refused(err error) bool {
	var ierr *imap.Error
	return errors.As(err, &ierr) && (ierr.Type == imap.StatusResponseTypeBad || ierr.Type == imap.StatusResponseTypeNo)
}

// FetchedMessage is one message streamed by Fetch.
type FetchedMessage struct {
	UID          uint32
	Size         int64 // RFC822.SIZE
	InternalDate time.Time
	// TooLarge is true when Size is above MaxMessageSize; Body is then nil
	// and the message was not downloaded.
	TooLarge bool
	// Body is the whole message (BODY.PEEK[]), valid only during the call.
	Body io.Reader
	// Err, when set, says why the server did not send a message it has:
	// it refused to fetch it even alone (NO or BAD), or answered OK
	// without it. Body is nil then. It wraps ErrNotServed.
	Err error
}

// ErrNotServed reports a message the server has but would not send.
// Servers do so for messages they cannot convert or read (Yahoo answers
// "NO [UNAVAILABLE]" to one message every time, Exchange "OK" without its
// body); the next sweep may be luckier.
var ErrNotServed = errors.New("the server did not send the message")

type msgMeta struct {
	size int64
	date time.Time
}

// Fetch streams the messages with the given UIDs of the selected mailbox
// to fn, without marking them read: first their sizes (messages above
// MaxMessageSize are reported with TooLarge and never downloaded), then
// their contents with BODY.PEEK[], one UID FETCH per chunk of UIDs. Only one message
// is in memory at a time. Messages that no longer exist are left out. When
// the server refuses a chunk, its messages are asked for one at a time, so
// that one message the server cannot serve spoils only itself: it is
// reported with Err. The order is not guaranteed. An error from fn stops
// the fetch and is returned as is.
func (s *Session) Fetch(ctx context.Context, uids []uint32, fn func(FetchedMessage) error) error {
	if s.selected == nil {
		return fmt.Errorf("fetch: %w", errNoMailbox)
	}
	uids = slices.Clone(uids)
	slices.Sort(uids)
	uids = slices.Compact(uids)
	if len(uids) == 0 {
		return nil
	}
	done, err := s.begin(ctx, "fetch")
	if err != nil {
		return err
	}
	defer done()

	for chunk := range fetchChunks(uids) {
		metas, refusals, err := s.fetchMeta(ctx, chunk)
		if err != nil {
			return err
		}
		var small []uint32
		for _, u := range chunk {
			m, ok := metas[u]
			switch {
			case refusals[u] != nil:
				if err := fn(FetchedMessage{UID: u, Err: fmt.Errorf("%w: asked for its size, it answered %w", ErrNotServed, refusals[u])}); err != nil {
					return err
				}
			case !ok:
				s.log.Debug("imap fetch: message gone", "uid", u)
			case m.size > MaxMessageSize:
				if err := fn(FetchedMessage{UID: u, Size: m.size, InternalDate: m.date, TooLarge: true}); err != nil {
					return err
				}
			default:
				small = append(small, u)
			}
		}
		if err := s.fetchBodies(ctx, small, metas, fn); err != nil {
			return err
		}
	}
	return nil
}

// fetchMeta fetches the sizes and internal dates of uids. When the server
// refuses the command, it asks for each message alone; refusals holds
// the messages refused even then, with the server's answer.
func (s *Session) fetchMeta(ctx context.Context, uids []uint32) (metas map[uint32]msgMeta, refusals map[uint32]error, err error) {
	bufs, err := s.client.Fetch(uidSet(uids...), &imap.FetchOptions{
		UID: true, RFC822Size: true, InternalDate: true,
	}).Collect()
	metas = make(map[uint32]msgMeta, len(bufs))
	for _, b := range bufs {
		if b.UID != 0 {
			metas[uint32(b.UID)] = msgMeta{size: b.RFC822Size, date: b.InternalDate}
		}
	}
	switch {
	case err == nil:
		return metas, nil, nil
	case !refused(err) || overQuota(err) || s.ctxErr(ctx) != nil:
		return nil, nil, s.fail(ctx, "fetch sizes", err)
	case len(uids) == 1:
		return metas, map[uint32]error{uids[0]: err}, nil
	}
	s.log.Warn("imap fetch refused; asking for each message alone", "what", "sizes", "messages", len(uids), "err", err)
	refusals = map[uint32]error{}
	for _, u := range uids {
		if _, ok := metas[u]; ok {
			continue
		}
		m, r, err := s.fetchMeta(ctx, []uint32{u})
		if err != nil {
			return nil, nil, err
		}
		maps.Copy(metas, m)
		maps.Copy(refusals, r)
	}
	if len(refusals) == len(uids) {
		// Not one message answered, even alone: see fetchBodies.
		return nil, nil, fmt.Errorf("fetch sizes: %w: %s refused all %d messages, each alone too: %w", ErrUnavailable, s.account.Host, len(uids), err)
	}
	return metas, refusals, nil
}

// fetchBodies fetches the bodies of uids with one UID FETCH. When the
// server refuses it, it asks for the messages it did not send one at a
// time, and reports each one it then refuses, or answers without, with
// ErrNotServed. One command
// at a time, on purpose: Dovecot answers pipelined FETCHes in parallel, so
// the second command's messages arrive before the first one's tagged OK,
// and go-imap, which hands each command's messages to that command's
// reader, then waits for a reader that is still draining the first
// command: a deadlock no socket deadline breaks. The server streams one
// command's messages without gaps anyway.
func (s *Session) fetchBodies(ctx context.Context, uids []uint32, metas map[uint32]msgMeta, fn func(FetchedMessage) error) error {
	if len(uids) == 0 {
		return nil
	}
	delivered := make(map[uint32]bool, len(uids))
	refusal, err := s.fetchBodiesOnce(ctx, uids, metas, delivered, fn)
	if err != nil {
		return err
	}
	notServed := func(u uint32, why error) error {
		m := metas[u]
		return fn(FetchedMessage{UID: u, Size: m.size, InternalDate: m.date, Err: why})
	}
	var missing []uint32
	for _, u := range uids {
		if !delivered[u] {
			missing = append(missing, u)
		}
	}
	switch {
	case len(missing) == 0:
		return nil
	case refusal == nil:
		// An OK without some of them: gone since their sizes were
		// listed, or not served.
		gone, err := s.gone(ctx, missing)
		if err != nil {
			return err
		}
		for _, u := range missing {
			if gone[u] {
				s.log.Debug("imap fetch: message gone", "uid", u)
			} else if err := notServed(u, fmt.Errorf("%w: it answered the FETCH without it", ErrNotServed)); err != nil {
				return err
			}
		}
		return nil
	case overQuota(refusal):
		return s.fail(ctx, "fetch", refusal)
	case len(uids) == 1:
		return notServed(uids[0], fmt.Errorf("%w: it answered %w", ErrNotServed, refusal))
	}
	s.log.Warn("imap fetch refused; asking for each message alone", "what", "bodies", "messages", len(missing), "err", refusal)
	alone := map[uint32]error{}
	for _, u := range missing {
		r, err := s.fetchBodiesOnce(ctx, []uint32{u}, metas, delivered, fn)
		if err != nil {
			return err
		}
		if r != nil && overQuota(r) {
			return s.fail(ctx, "fetch", r)
		}
		if r != nil {
			alone[u] = r
		} else if !delivered[u] {
			alone[u] = errors.New("it answered the FETCH without it")
		}
	}
	if len(alone) == len(uids) {
		// Not one message served, even alone: the server's trouble, not
		// theirs. Fail the sweep (the position stays) rather than count
		// attempts against every message.
		return fmt.Errorf("fetch: %w: %s refused all %d messages, each alone too: %w", ErrUnavailable, s.account.Host, len(uids), refusal)
	}
	for _, u := range missing {
		if why := alone[u]; why != nil {
			if err := notServed(u, fmt.Errorf("%w: %w", ErrNotServed, why)); err != nil {
				return err
			}
		}
	}
	return nil
}

// gone returns which of uids no longer exist in the selected mailbox.
func (s *Session) gone(ctx context.Context, uids []uint32) (map[uint32]bool, error) {
	data, err := s.client.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{uidSet(uids...)}}, nil).Wait()
	if err != nil {
		return nil, s.fail(ctx, "search uids", err)
	}
	there := map[uint32]bool{}
	for _, u := range data.AllUIDs() {
		there[uint32(u)] = true
	}
	gone := map[uint32]bool{}
	for _, u := range uids {
		gone[u] = !there[u]
	}
	return gone, nil
}

// overQuota reports whether err is the server refusing for the account's
// use of it (Gmail's "[OVERQUOTA] Account exceeded command or bandwidth
// limits", [THROTTLED]): every message would be refused alike, so asking
// for them one by one would only make it worse.
func overQuota(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && (ie.Code == "OVERQUOTA" || ie.Code == "THROTTLED")
}

// fetchBodiesOnce is one UID FETCH of the bodies of uids; it marks each
// message handed to fn in delivered. refusal is the server's NO or BAD
// to the command; err is any other failure, which ends the fetch.
func (s *Session) fetchBodiesOnce(ctx context.Context, uids []uint32, metas map[uint32]msgMeta, delivered map[uint32]bool, fn func(FetchedMessage) error) (refusal, err error) {
	opts := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
	cmd := s.client.Fetch(uidSet(uids...), opts)
	first := consumeBodies(cmd, metas, delivered, fn)
	if errors.Is(first, errBodyBroken) {
		// Once reading a body fails, go-imap's reader goroutine goes on
		// reading the connection, and Close, which would read the rest of
		// that body, would race with it. The connection is broken anyway
		// (closed on a timeout or a cancelled context): close it, and
		// leave the command.
		if err := s.client.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			s.log.Debug("imap close", "err", err)
		}
		return nil, s.fail(ctx, "fetch", first)
	}
	// Close drains what is left, so the session stays usable.
	cerr := cmd.Close()
	switch {
	case first != nil:
		return nil, first
	case cerr == nil:
		return nil, nil
	case refused(cerr) && s.ctxErr(ctx) == nil:
		return cerr, nil
	}
	return nil, s.fail(ctx, "fetch", cerr)
}

// errBodyBroken reports that reading a message's body from the server
// failed midway: the connection is broken (see fetchBodies).
var errBodyBroken = errors.New("reading the body from the server failed")

// literal is a body being read from the server that remembers the first
// error other than io.EOF, after which it is never read again.
type literal struct {
	r   io.Reader
	err error
}

func (l *literal) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

func consumeBodies(cmd *imapclient.FetchCommand, metas map[uint32]msgMeta, delivered map[uint32]bool, fn func(FetchedMessage) error) error {
	for {
		msg := cmd.Next()
		if msg == nil {
			return nil
		}
		var (
			uid      uint32
			sent     bool
			early    []byte // a body that came before its UID
			hasEarly bool
		)
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				uid = uint32(it.UID)
			case imapclient.FetchItemDataBodySection:
				lit := &literal{}
				var body io.Reader = bytes.NewReader(nil) // NIL body
				if it.Literal != nil {
					lit.r = it.Literal
					body = lit
				}
				if uid == 0 {
					b, err := io.ReadAll(io.LimitReader(body, MaxMessageSize+1))
					if lit.err != nil {
						return fmt.Errorf("a message's body: %w: %w", errBodyBroken, lit.err)
					} else if err != nil {
						return err
					}
					early, hasEarly = b, true
					continue
				}
				m := metas[uid]
				sent, delivered[uid] = true, true
				err := fn(FetchedMessage{UID: uid, Size: m.size, InternalDate: m.date, Body: body})
				if lit.err != nil {
					return fmt.Errorf("message uid %d: %w: %w", uid, errBodyBroken, cmp.Or(err, lit.err))
				} else if err != nil {
					return err
				}
			}
		}
		if !sent && hasEarly && uid != 0 {
			m := metas[uid]
			delivered[uid] = true
			if err := fn(FetchedMessage{UID: uid, Size: m.size, InternalDate: m.date, Body: bytes.NewReader(early)}); err != nil {
				return err
			}
		}
	}
}

// FindByMessageID returns the UIDs of the messages in the selected mailbox
// whose Message-ID is id (with or without angle brackets). The server's
// substring match is checked against the header itself, read as Parse
// reads a Message-ID.
func (s *Session) FindByMessageID(ctx context.Context, id string) ([]uint32, error) {
	id = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
	if id == "" {
		return nil, errors.New("find by message-id: empty Message-ID")
	}
	if s.selected == nil {
		return nil, fmt.Errorf("find by message-id: %w", errNoMailbox)
	}
	op := fmt.Sprintf("find message-id <%s>", id)
	done, err := s.begin(ctx, op)
	if err != nil {
		return nil, err
	}
	defer done()
	data, err := s.client.UIDSearch(&imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}},
	}, nil).Wait()
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	found := data.AllUIDs()
	if len(found) == 0 {
		return nil, nil
	}
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
	bufs, err := s.client.Fetch(uidSet(uidsToUint32(found)...), &imap.FetchOptions{
		UID: true, BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	var uids []uint32
	for _, b := range bufs {
		// Read as Parse reads it, so an ID Parse gave is found again
		// whatever the header holds beside it (a comment, folding).
		if headerMessageID(b.FindBodySection(section)) == id {
			uids = append(uids, uint32(b.UID))
		}
	}
	slices.Sort(uids)
	return uids, nil
}

// ProbeReport is what `triage accounts test` shows.
type ProbeReport struct {
	Server       string // host:port
	TLS          string
	Auth         string
	Username     string
	Capabilities Capabilities
	Mailbox      MailboxStatus
	// Search describes the candidate search a sweep runs.
	Search string
	// Candidates is how many messages that search matches now.
	Candidates int
	// SearchSplit is true when the server refused the search as one
	// command, so a sweep asks each criterion in a search of its own.
	SearchSplit bool
	// Separator is the server's hierarchy separator ("" when it has none)
	// and PersonalPrefix its personal namespace's prefix ("INBOX." on
	// Cyrus and Courier): see ServerName.
	Separator, PersonalPrefix string
	naming                    mailboxNaming
}

// ServerName is the server's name for a mailbox as the config writes it
// ("LinkedIn/Ignore" is "INBOX.LinkedIn.Ignore" on Cyrus), the name a
// sweep uses.
func (r ProbeReport) ServerName(mailbox string) string { return r.naming.serverName(mailbox) }

// Probe selects the account's mailbox and reports what a sweep would see:
// capabilities, keyword support, message count, the search and how many
// messages it matches. It changes nothing.
func (s *Session) Probe(ctx context.Context, c SearchCriteria) (ProbeReport, error) {
	a := s.account
	r := ProbeReport{
		Server:       net.JoinHostPort(bareHost(a.Host), strconv.Itoa(a.Port)),
		TLS:          a.TLS,
		Auth:         a.Auth,
		Username:     a.Username,
		Capabilities: s.caps,
		Search:       c.String(),
	}
	st, err := s.Select(ctx, a.Mailbox)
	if err != nil {
		return r, err
	}
	r.Mailbox = st
	uids, err := s.SearchCandidates(ctx, c)
	if err != nil {
		return r, err
	}
	r.Candidates, r.SearchSplit = len(uids), s.searchSplit
	if err := s.learnNamingNow(ctx); err != nil {
		return r, err
	}
	r.naming, r.PersonalPrefix = *s.naming, s.naming.prefix
	if s.naming.delim != 0 {
		r.Separator = string(s.naming.delim)
	}
	return r, nil
}

// Logout ends the session politely (waiting at most the account timeout)
// and closes the connection.
func (s *Session) Logout() error {
	s.conn.begin()
	err := s.client.Logout().Wait()
	s.conn.end()
	s.Close()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// Close closes the connection at once. It is safe to call more than once.
func (s *Session) Close() error {
	s.stop()
	if err := s.client.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		// The connection is closed either way; a read error is no news.
		s.log.Debug("imap close", "err", err)
	}
	return nil
}

// begin marks the session busy (reads get deadlines) and closes the
// connection should ctx end meanwhile. done must be called.
func (s *Session) begin(ctx context.Context, op string) (done func(), err error) {
	if err := s.ctxErr(ctx); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	s.conn.begin()
	stop := context.AfterFunc(ctx, func() { s.conn.Conn.Close() })
	return func() { stop(); s.conn.end() }, nil
}

func (s *Session) ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.dialCtx.Err()
}

// fail turns an error of a command into one that says why: the context
// ended, the server did not answer in time, or what it said.
func (s *Session) fail(ctx context.Context, op string, err error) error {
	if cerr := s.ctxErr(ctx); cerr != nil {
		return fmt.Errorf("%s: %w", op, cerr)
	}
	if s.conn.timedOut.Load() {
		return fmt.Errorf("%s: %w: %s gave no answer within %v; connection closed", op, ErrTimeout, s.account.Host, s.conn.timeout)
	}
	var ie *imap.Error
	switch {
	case notConnected(err):
		return &AuthError{Host: s.account.Host, Mechanism: op + " after login", Response: imapErrorText(asIMAPError(err)), Hint: notConnectedHint}
	case isUnavailable(err):
		return fmt.Errorf("%s: %w: %s said: %w", op, ErrUnavailable, s.account.Host, err)
	case !errors.As(err, &ie):
		// Not the server's answer: the connection broke (BYE, a reset)
		// or its answer could not be read.
		return fmt.Errorf("%s: %w: %s: %w", op, ErrSession, s.account.Host, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

func uidSet(uids ...uint32) imap.UIDSet {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	return set
}

func uidsToUint32(uids []imap.UID) []uint32 {
	out := make([]uint32, len(uids))
	for i, u := range uids {
		out[i] = uint32(u)
	}
	return out
}
