package sweep

import (
	"encoding/binary"
	"hash/fnv"
	"runtime/debug"
	"time"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
)

// headLines is the state.LineRenderer of a sweep's store: the line it
// keeps with each pending record is the JSON head of the record's entry
// (report.AppendHead of recordEntry), so that a dry `sweep --json` lists
// the invitations carried over from earlier sweeps by copying their heads
// and appending the actions, without reading their records (see
// Options.JSONLines). Every sweep keeps the heads, with --json or not.
type headLines struct{ tag uint64 }

// headFormat is part of the heads' tag. Change it when the head of some
// entry changes in a way the sample records of headTag do not show; a
// change they show changes the tag by itself.
const headFormat = 1

// newHeadLines returns the renderer, its tag computed from the heads of
// sample records, so that a triage that renders any of them differently
// does not take another's heads for its own, and from the build's
// version control revision, for the changes the samples do not show. A
// new tag costs one listing that reads the records, after which the
// sweep keeps their heads again (see fillLines).
func newHeadLines() headLines { return headLines{tag: headTag(headSamples()) ^ buildTag()} }

// buildTag hashes the module version this triage was built as (go
// install ...@v1.2.3) and the version control revision it was built from
// (and whether its tree was modified), 0 when the build says neither (go
// test; a build of a tree outside version control).
func buildTag() uint64 {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return 0
	}
	h := fnv.New64a()
	if v := info.Main.Version; v != "" && v != "(devel)" {
		h.Write([]byte("version=" + v + "\n"))
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
			h.Write([]byte(s.Key + "=" + s.Value + "\n"))
		}
	}
	if h.Sum64() == fnv.New64a().Sum64() {
		return 0
	}
	return h.Sum64()
}

func (h headLines) LineTag() uint64 { return h.tag }

func (h headLines) AppendLine(dst []byte, account string, r state.Record) ([]byte, bool) {
	e := recordEntry(account, r, nil)
	return report.AppendHead(dst, &e)
}

// headTag hashes headFormat and the heads of samples.
func headTag(samples []state.Record) uint64 {
	h := fnv.New64a()
	var b []byte
	b = binary.BigEndian.AppendUint64(b, headFormat)
	for _, r := range samples {
		b, _ = headLines{}.AppendLine(b, "account/1", r)
		b = append(b, 0)
	}
	h.Write(b)
	return h.Sum64()
}

// headSamples are records that show every field of a head: a clarify with
// its draft, known counts and characters JSON escapes, a reviewed
// reminder of a digest's second invitation, and a bare ignore.
func headSamples() []state.Record {
	at := time.Date(2026, 11, 23, 9, 8, 7, 6, time.FixedZone("x", 3600))
	conns, mutual := 501, 3
	inv := inbox.Invitation{
		Name: "Zoë \"Z\" O'Brien <&>", FirstName: "Zoë", Headline: "Head\tline", Title: "VP\u2028Sales",
		Company: "Acme & Co", Location: "Zürich", ProfileURL: "https://www.linkedin.com/in/zoe?x=1&y=2",
		Connections: &conns, MutualConnections: &mutual, Note: "Hi\nthere \\ 🎉", InvitationID: "6000000001",
		MessageID: "<m1@linkedin.com>", Date: at,
	}
	dec := policy.Decision{Score: -2, Verdict: policy.Clarify, NoteClass: policy.NoteGeneric,
		Reasons: []policy.Reason{{Rule: "note.generic", Points: -2, Why: "a \"generic\" note"}, {Rule: "x", Points: 0}}}
	loc := state.Location{Mailbox: "INBOX/Sub", UIDValidity: 7, UID: 42, MessageID: "<m1@linkedin.com>"}
	clarify := state.NewRecord(inv, 0, dec, &reply.Draft{To: "Zoë", Subject: "Re", Body: "Thanks for the request.\n"}, loc, at)
	reviewed := state.NewRecord(inv, 1, dec, nil, loc, at)
	reviewed.Review = &state.Review{Verdict: policy.Accept, DecidedAt: at}
	reviewed.FromReminder = true
	reviewed.ReminderOf = "<m0@linkedin.com>"
	bare := state.NewRecord(inbox.Invitation{MessageID: "<m2@x>"}, 0, policy.Decision{Verdict: policy.Ignore, LION: true}, nil,
		state.Location{Mailbox: "INBOX", UIDValidity: 1, UID: 1}, time.Time{})
	return []state.Record{clarify, reviewed, bare}
}
