package inbox

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// FuzzParse feeds mutated fixtures to Parse. Besides not panicking, a
// result must keep Parse's promises: invitations only without error, each
// with a name and a clean token-free profile URL, never a connection
// count, the message's ID and date copied, and the same answer twice.
func FuzzParse(f *testing.F) {
	for _, path := range fixtures(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("From: a@linkedin.com\n\n"))
	f.Add([]byte("From: x <invitations@linkedin.com>\nContent-Type: text/html\n\n<a href=\"https://www.linkedin.com/comm/people/invite-accept?invitationId=1\">Accept</a>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := Parse(bytes.NewReader(data))
		if strings.ContainsFunc(msg.MessageID, unicode.IsControl) {
			t.Fatalf("MessageID %q holds control characters", msg.MessageID)
		}
		if err != nil {
			if len(msg.Invitations) != 0 {
				t.Fatalf("Parse returned %d invitations with error %v", len(msg.Invitations), err)
			}
			if errors.Is(err, ErrTooLarge) && len(data) <= MaxMessageSize {
				t.Fatalf("Parse(%d bytes) = ErrTooLarge", len(data))
			}
			if msg2, err2 := Parse(bytes.NewReader(data)); err2 == nil || err2.Error() != err.Error() || !reflect.DeepEqual(msg, msg2) {
				t.Fatalf("Parse is not deterministic: %v then %v", err, err2)
			}
			return
		}
		if len(msg.Invitations) == 0 || len(msg.Invitations) > maxInvitations {
			t.Fatalf("Parse succeeded with %d invitations", len(msg.Invitations))
		}
		for _, inv := range msg.Invitations {
			if strings.TrimSpace(inv.Name) == "" {
				t.Fatalf("invitation without a name: %+v", inv)
			}
			if inv.ProfileURL != "" {
				u, err := url.Parse(inv.ProfileURL)
				if err != nil || CleanProfileURL(inv.ProfileURL) != inv.ProfileURL || u.Fragment != "" {
					t.Fatalf("ProfileURL %q is not clean", inv.ProfileURL)
				}
				q := u.Query()
				if strings.HasPrefix(u.Path, "/in/") && u.RawQuery != "" || u.Path == "/profile/view" && (len(q) != 1 || len(q["id"]) != 1) {
					t.Fatalf("ProfileURL %q keeps parameters other than id", inv.ProfileURL)
				}
			}
			if inv.Connections != nil {
				t.Fatalf("Connections = %d, never in emails", *inv.Connections)
			}
			if inv.MutualConnections != nil && *inv.MutualConnections < 0 {
				t.Fatalf("MutualConnections = %d", *inv.MutualConnections)
			}
			if inv.MessageID != msg.MessageID || !inv.Date.Equal(msg.Date) {
				t.Fatalf("invitation MessageID/Date %q %v, message %q %v", inv.MessageID, inv.Date, msg.MessageID, msg.Date)
			}
			if inv.DefaultNote && !isDefaultNote(inv.Note) {
				t.Fatalf("DefaultNote set for %q", inv.Note)
			}
			if inv.InvitationID != "" && !strings.Contains(inv.AcceptURL, inv.InvitationID) {
				t.Fatalf("InvitationID %q is not in the accept URL", inv.InvitationID)
			}
		}
		if msg2, err2 := Parse(bytes.NewReader(data)); err2 != nil || !reflect.DeepEqual(msg, msg2) {
			t.Fatalf("Parse is not deterministic (second error %v)", err2)
		}
	})
}
