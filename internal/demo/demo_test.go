package demo

import (
	"errors"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/inbox"
)

// TestMessagesParse checks that every sample parses as what it stands for:
// the demo is only as good as the parser's reading of it.
func TestMessagesParse(t *testing.T) {
	want := map[string][]string{ // file -> inviter names; nil: not an invitation
		"01-personalised-mutual-talk.eml": {"Priya Raman"},
		"02-pitch-calendly.eml":           {"Brad Sullivan"},
		"03-lion-email-headline.eml":      {"Kevin Marsh (LION)"},
		"04-generic-expand-network.eml":   {"Omar Haddad"},
		"05-vague-compliment.eml":         {"Lena Fischer"},
		"06-default-note-2016.eml":        {"Ahmed Karimi"},
		"07-reminder.eml":                 {"Tomasz Nowak"},
		"08-digest-two-invitations.eml":   {"Sofia Marques", "Jonas Berg"},
		"09-recruiter-specific-role.eml":  {"Hannah Lee"},
		"10-known-contact.eml":            {"Marco de Vries"},
		"11-coworker.eml":                 {"Eva Jansen"},
		"12-lookalike-other-domain.eml":   nil,
		"13-acceptance-notice.eml":        nil,
	}
	seen := 0
	for raw, err := range Messages() {
		if err != nil {
			t.Fatalf("%s: %v", raw.Source, err)
		}
		seen++
		file := strings.TrimPrefix(raw.Source, "demo/")
		names, ok := want[file]
		if !ok {
			t.Errorf("%s: unexpected sample", raw.Source)
			continue
		}
		msg, err := inbox.Parse(raw.Body)
		if names == nil {
			if !errors.Is(err, inbox.ErrNotInvitation) {
				t.Errorf("Parse(%s) = %d invitations, %v; want ErrNotInvitation", file, len(msg.Invitations), err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%s) = %v", file, err)
			continue
		}
		var got []string
		for _, inv := range msg.Invitations {
			got = append(got, inv.Name)
			if inv.InvitationID == "" || inv.ProfileURL == "" || inv.Headline == "" || inv.Location == "" {
				t.Errorf("Parse(%s): invitation %+v lacks an ID, profile, headline or location", file, inv)
			}
			if inv.Recipient != "Robin Keller" && inv.Recipient != "Robin" {
				t.Errorf("Parse(%s): recipient %q, want Robin Keller", file, inv.Recipient)
			}
		}
		if strings.Join(got, ", ") != strings.Join(names, ", ") {
			t.Errorf("Parse(%s) inviters = %q, want %q", file, got, names)
		}
		if file == "07-reminder.eml" && !msg.Invitations[0].Reminder {
			t.Errorf("Parse(%s): Reminder = false, want true", file)
		}
	}
	if seen != len(want) || seen != Count() {
		t.Errorf("Messages yielded %d samples, Count() = %d, want %d", seen, Count(), len(want))
	}
}
