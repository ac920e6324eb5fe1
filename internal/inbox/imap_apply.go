package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"
)

var (
	// ErrCannotMove reports a server with neither MOVE nor UIDPLUS: moving
	// would need a plain EXPUNGE, which also removes other messages marked
	// \Deleted, so triage refuses.
	ErrCannotMove = errors.New("the server supports neither MOVE nor UIDPLUS, so triage cannot move messages safely")
	// ErrMessageGone reports that the message is no longer in the mailbox
	// (the user moved or deleted it).
	ErrMessageGone = errors.New("message is no longer in the mailbox")
)

// Steps lists what Apply does for a, in order, in the words the sweep
// shows: "keyword $Triage_clarify", "mark seen", "copy LinkedIn",
// "move LinkedIn/Ignore". With allowMove false there is no move.
func (a Action) Steps(allowMove bool) []string {
	var steps []string
	if a.Keyword != "" {
		steps = append(steps, "keyword "+a.Keyword)
	}
	if a.MarkSeen {
		steps = append(steps, "mark seen")
	}
	if a.CopyTo != "" {
		steps = append(steps, "copy "+a.CopyTo)
	}
	if a.MoveTo != "" && allowMove {
		steps = append(steps, "move "+a.MoveTo)
	}
	return steps
}

// Applied is what Apply did.
type Applied struct {
	// Done lists the steps carried out, as Action.Steps words them.
	Done []string
	// Skipped lists steps not needed or not possible, each with its
	// reason: "keyword $Triage_clarify: already set".
	Skipped []string
	// MovedUID is the message's UID in the move_to mailbox when the
	// server reported it (COPYUID), else 0.
	MovedUID uint32
}

// Apply carries out act on the message with uid in the selected mailbox,
// in the order keyword, mark_seen, copy_to, move_to (with allowMove false,
// move_to is skipped and the message stays). It never deletes mail:
//   - a keyword is stored only when PERMANENTFLAGS allow it, and not when
//     the message has it already (compared without case);
//   - copy_to and move_to create the mailbox when the server says it is
//     missing (NO [TRYCREATE], or LIST finds nothing), and subscribe it;
//   - move_to uses MOVE; without MOVE but with UIDPLUS it copies, and
//     only after the copy succeeded stores \Deleted and runs UID EXPUNGE
//     of that one UID; with neither it fails with ErrCannotMove before
//     changing anything.
//
// A message that is gone gives ErrMessageGone. On a later failure, Applied
// holds the steps that were done.
func (s *Session) Apply(ctx context.Context, uid uint32, act Action, allowMove bool) (Applied, error) {
	res, err := s.ApplyBatch(ctx, []uint32{uid}, act, allowMove)
	if err == nil && len(res.Missing) > 0 {
		err = fmt.Errorf("uid %d in %s: %w", uid, s.selected.Name, ErrMessageGone)
	}
	return Applied{Done: res.Done, Skipped: res.Skipped, MovedUID: singleUID(res.moved)}, err
}

func (s *Session) keywordAllowed(kw string) bool {
	return s.selected.KeywordsAllowed || hasFlag(toFlags(s.selected.PermanentFlags), kw)
}

func (s *Session) addFlags(uids imap.UIDSet, flags ...imap.Flag) error {
	return s.client.Store(uids, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close()
}

// move moves uids to dest and returns their new UIDs when the server said
// them (nil when not).
func (s *Session) move(uids imap.UIDSet, dest string) (imap.NumSet, error) {
	dest, err := s.serverMailbox(dest)
	if err != nil {
		return nil, err
	}
	if s.caps.Move {
		data, err := s.client.Move(uids, dest).Wait()
		if err != nil && s.shouldCreate(err, dest) {
			if err = s.create(dest); err == nil {
				data, err = s.client.Move(uids, dest).Wait()
			}
		}
		if err != nil {
			return nil, err
		}
		if data == nil {
			return nil, nil
		}
		return data.DestUIDs, nil
	}
	if !s.caps.UIDPlus {
		return nil, ErrCannotMove
	}
	// go-imap's own fallback queues STORE and EXPUNGE behind the COPY and
	// runs them even when the COPY fails: go step by step instead.
	data, err := s.copyAs(uids, dest)
	if err != nil {
		return nil, fmt.Errorf("copy failed, messages left in place: %w", err)
	}
	if err := s.addFlags(uids, imap.FlagDeleted); err != nil {
		return nil, fmt.Errorf("copied to %s, but marking the originals \\Deleted failed (the messages are in both mailboxes): %w", dest, err)
	}
	if _, err := s.client.UIDExpunge(uids).Collect(); err != nil {
		return nil, fmt.Errorf("copied to %s and marked the originals \\Deleted, but UID EXPUNGE failed: %w", dest, err)
	}
	if data == nil {
		return nil, nil
	}
	return data.DestUIDs, nil
}

// copyCreating copies uids to dest, creating dest when it is missing.
func (s *Session) copyCreating(uids imap.UIDSet, dest string) (*imap.CopyData, error) {
	dest, err := s.serverMailbox(dest)
	if err != nil {
		return nil, err
	}
	return s.copyAs(uids, dest)
}

// copyAs is copyCreating for dest as the server names it.
func (s *Session) copyAs(uids imap.UIDSet, dest string) (*imap.CopyData, error) {
	data, err := s.client.Copy(uids, dest).Wait()
	if err != nil && s.shouldCreate(err, dest) {
		if err = s.create(dest); err == nil {
			data, err = s.client.Copy(uids, dest).Wait()
		}
	}
	return data, err
}

// shouldCreate reports whether a failed COPY or MOVE to dest failed
// because dest does not exist: NO [TRYCREATE], or a NO after which LIST
// does not find dest.
func (s *Session) shouldCreate(err error, dest string) bool {
	var ie *imap.Error
	if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo {
		return false
	}
	if ie.Code == imap.ResponseCodeTryCreate {
		return true
	}
	if strings.ContainsAny(dest, "%*") {
		return false
	}
	list, lerr := s.client.List("", dest, nil).Collect()
	if lerr != nil {
		return false
	}
	for _, l := range list {
		if !hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
			return false
		}
	}
	return true
}

// create creates and subscribes dest (so that mail clients show it).
func (s *Session) create(dest string) error {
	err := s.client.Create(dest, nil).Wait()
	var ie *imap.Error
	if err != nil && !(errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists) {
		return fmt.Errorf("create mailbox %q: %w", dest, err)
	}
	s.log.Info("imap created mailbox", "mailbox", dest)
	if err := s.client.Subscribe(dest).Wait(); err != nil {
		s.log.Debug("imap subscribe failed", "mailbox", dest, "err", err)
	}
	return nil
}

func hasAttr(attrs []imap.MailboxAttr, a imap.MailboxAttr) bool {
	for _, x := range attrs {
		if strings.EqualFold(string(x), string(a)) {
			return true
		}
	}
	return false
}

func singleUID(set imap.NumSet) uint32 {
	if set == nil {
		return 0
	}
	us, ok := set.(imap.UIDSet)
	if !ok {
		return 0
	}
	nums, ok := us.Nums()
	if !ok || len(nums) != 1 {
		return 0
	}
	return uint32(nums[0])
}

func hasFlag(flags []imap.Flag, f string) bool {
	for _, x := range flags {
		if strings.EqualFold(string(x), f) {
			return true
		}
	}
	return false
}

func toFlags(ss []string) []imap.Flag {
	out := make([]imap.Flag, len(ss))
	for i, s := range ss {
		out[i] = imap.Flag(s)
	}
	return out
}

// validKeyword reports whether kw is an IMAP keyword (an atom that is not
// a system flag).
func validKeyword(kw string) bool {
	if kw == "" || strings.HasPrefix(kw, `\`) {
		return false
	}
	for _, r := range kw {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`(){%*"\]`, r) {
			return false
		}
	}
	return true
}

// sameMailbox compares mailbox names; INBOX is case-insensitive.
func sameMailbox(a, b string) bool {
	if strings.EqualFold(a, "INBOX") || strings.EqualFold(b, "INBOX") {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// BatchApplied is what ApplyBatch did.
type BatchApplied struct {
	// Done lists the steps carried out on the messages found, as
	// Action.Steps words them (a keyword or \Seen some of them had
	// already counts as done for all; one all of them had is skipped).
	Done []string
	// Skipped lists steps not possible, each with its reason.
	Skipped []string
	// Missing lists the UIDs not in the mailbox (moved or deleted by the
	// user): nothing was done to them.
	Missing []uint32
	moved   imap.NumSet // the moved messages' UIDs in the target, when the server says
}

// ApplyBatch carries out act, like Apply, on every message of uids in
// the selected mailbox, with one command per step for all of them: one
// UID FETCH FLAGS to see which messages are there and which lack the
// keyword or \Seen, one UID STORE per flag for those lacking it, one UID
// COPY for copy_to, one UID MOVE for move_to (or, with UIDPLUS only, one
// UID COPY and, only when it succeeded, one UID STORE \Deleted and one
// UID EXPUNGE of exactly those UIDs). A step fails for the whole batch;
// on a failure, BatchApplied holds the steps that were done.
func (s *Session) ApplyBatch(ctx context.Context, uids []uint32, act Action, allowMove bool) (BatchApplied, error) {
	var res BatchApplied
	if s.selected == nil {
		return res, fmt.Errorf("apply: %w", errNoMailbox)
	}
	if len(uids) == 0 {
		return res, nil
	}
	op := fmt.Sprintf("%d messages (uid %d", len(uids), uids[0])
	if len(uids) > 1 {
		op += fmt.Sprintf(" to %d", uids[len(uids)-1])
	}
	op += ")"
	if act.Keyword != "" && !validKeyword(act.Keyword) {
		return res, fmt.Errorf("%s: keyword %q is not a valid IMAP keyword", op, act.Keyword)
	}
	move := act.MoveTo != "" && allowMove
	if move && !sameMailbox(act.MoveTo, s.selected.Name) && !s.caps.Move && !s.caps.UIDPlus {
		return res, fmt.Errorf("%s: move %s: %w", op, act.MoveTo, ErrCannotMove)
	}
	done, err := s.begin(ctx, op)
	if err != nil {
		return res, err
	}
	defer done()

	bufs, err := s.client.Fetch(uidSet(uids...), &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		return res, s.fail(ctx, op, err)
	}
	flags := make(map[uint32][]imap.Flag, len(bufs))
	for _, b := range bufs {
		flags[uint32(b.UID)] = b.Flags
	}
	var present []uint32
	for _, u := range uids {
		if _, ok := flags[u]; ok {
			present = append(present, u)
		} else {
			res.Missing = append(res.Missing, u)
		}
	}
	if len(present) == 0 {
		return res, nil
	}
	all := uidSet(present...)

	// lacking returns the present UIDs without flag f.
	lacking := func(f string) []uint32 {
		var out []uint32
		for _, u := range present {
			if !hasFlag(flags[u], f) {
				out = append(out, u)
			}
		}
		return out
	}
	if act.Keyword != "" {
		step := "keyword " + act.Keyword
		if !s.keywordAllowed(act.Keyword) {
			res.Skipped = append(res.Skipped, step+`: the mailbox does not accept keywords (no \* in PERMANENTFLAGS)`)
		} else {
			if need := lacking(act.Keyword); len(need) > 0 {
				if err := s.addFlags(uidSet(need...), imap.Flag(act.Keyword)); err != nil {
					return res, s.fail(ctx, op+": "+step, err)
				}
				res.Done = append(res.Done, step)
			} else {
				res.Skipped = append(res.Skipped, step+": already set")
			}
		}
	}
	if act.MarkSeen {
		if need := lacking(string(imap.FlagSeen)); len(need) > 0 {
			if err := s.addFlags(uidSet(need...), imap.FlagSeen); err != nil {
				return res, s.fail(ctx, op+": mark seen", err)
			}
			res.Done = append(res.Done, "mark seen")
		} else {
			res.Skipped = append(res.Skipped, "mark seen: already seen")
		}
	}
	if act.CopyTo != "" {
		step := "copy " + act.CopyTo
		if sameMailbox(act.CopyTo, s.selected.Name) {
			res.Skipped = append(res.Skipped, step+": it is the mailbox the messages are in")
		} else {
			if _, err := s.copyCreating(all, act.CopyTo); err != nil {
				return res, s.fail(ctx, op+": "+step, err)
			}
			res.Done = append(res.Done, step)
		}
	}
	if act.MoveTo != "" {
		step := "move " + act.MoveTo
		switch {
		case !allowMove:
			res.Skipped = append(res.Skipped, step+": not for these messages; they stay where they are")
		case sameMailbox(act.MoveTo, s.selected.Name):
			res.Skipped = append(res.Skipped, step+": already there")
		default:
			moved, err := s.move(all, act.MoveTo)
			if err != nil {
				return res, s.fail(ctx, op+": "+step, err)
			}
			res.moved = moved
			res.Done = append(res.Done, step)
		}
	}
	s.log.Debug("imap apply batch", "messages", len(present), "missing", len(res.Missing), "done", res.Done, "skipped", res.Skipped)
	return res, nil
}
