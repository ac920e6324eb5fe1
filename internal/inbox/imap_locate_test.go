package inbox

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// MessageIDs reads the Message-ID at each UID with one FETCH, normalised
// as Parse does, leaves out UIDs that are gone and marks nothing read.
func TestMessageIDs(t *testing.T) {
	ctx := context.Background()
	ts := newTestServer(t, testServerOptions{})
	raws := [][]byte{
		imapTestMessage("LinkedIn <invitations@linkedin.com>", "plain", "plain-1@example.com", "x"),
		[]byte("From: a@example.com\r\nSubject: spaced\r\nMessage-ID:   <spaced-2@example.com>  \r\n\r\nx\r\n"),
		[]byte("From: a@example.com\r\nSubject: folded\r\nMessage-ID:\r\n <folded-3@example.com>\r\n\r\nx\r\n"),
		[]byte("From: a@example.com\r\nSubject: bare\r\nMessage-Id: bare-4@example.com\r\n\r\nx\r\n"),
		[]byte("From: a@example.com\r\nSubject: none\r\n\r\nno Message-ID\r\n"),
	}
	want := map[uint32]string{}
	var uids []uint32
	for _, raw := range raws {
		u := ts.add("INBOX", raw)
		// The header is filled even when Parse says it is no invitation.
		msg, err := Parse(bytes.NewReader(raw))
		if err != nil && !errors.Is(err, ErrNotInvitation) {
			t.Fatalf("Parse(%q): %v", raw, err)
		}
		want[u] = msg.MessageID
		uids = append(uids, u)
	}
	for u, id := range want {
		if strings.ContainsAny(id, "<> ") {
			t.Fatalf("test setup: Parse gave Message-ID %q for uid %d, want it bare", id, u)
		}
	}
	gone := uids[len(uids)-1] + 50

	s := dialTest(t, ts.account(t), DialOptions{})
	if _, err := s.MessageIDs(ctx, uids); err == nil {
		t.Error("MessageIDs before Select: no error")
	}
	if _, err := s.Select(ctx, "INBOX"); err != nil {
		t.Fatal(err)
	}
	ask := append(slices.Clone(uids), gone, uids[0]) // a gone UID and a repeated one
	got, err := s.MessageIDs(ctx, ask)
	if err != nil {
		t.Fatalf("MessageIDs(%v): %v", ask, err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("MessageIDs(%v) = %v, want %v", ask, got, want)
	}
	if got, err := s.MessageIDs(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("MessageIDs(nil) = %v, %v; want none", got, err)
	}
	for u, flags := range imapMailboxFlags(t, ts, "INBOX") {
		if hasFlag(flags, `\Seen`) {
			t.Errorf("uid %d marked \\Seen by MessageIDs", u)
		}
	}
}
