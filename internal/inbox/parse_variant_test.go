package inbox

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-message"
)

// splitFixture returns a fixture's header (without Content-Type) and its
// decoded text and HTML parts, to rebuild it in other shapes.
func splitFixture(t *testing.T, path string) (header, text, html string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	header = string(raw[:bytes.Index(raw, []byte("\n\n"))]) + "\nX"
	header = regexp.MustCompile(`(?ms)^Content-Type:.*?\n([^\t ])`).ReplaceAllString(header, "$1")
	header = strings.TrimSuffix(header, "\nX")
	err = e.Walk(func(_ []int, p *message.Entity, err error) error {
		if err != nil {
			return err
		}
		mt, _, _ := p.Header.ContentType()
		if strings.HasPrefix(mt, "multipart/") {
			return nil
		}
		b, err := io.ReadAll(p.Body)
		switch mt {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return header, text, html
}

// TestParseLayoutVariants rebuilds fixtures in shapes the golden files do
// not cover (one part only, renamed or missing list headings, a name that
// is not a link, no subject hint) and checks the inviter is still read
// correctly: the parser must follow the structure, not the fixtures.
func TestParseLayoutVariants(t *testing.T) {
	type want struct{ name, headline, location, note, profile, id string }
	steven := want{"Steven Footle", "Principal Test Architect and Agile Leader - Certified ScrumMaster", "Greater Boston Area",
		"I'd like to join your LinkedIn network.", "https://www.linkedin.com/profile/view?id=AAsAAAAIW1gBCVPJFcvlZjm6AtEfNiLTNya_HqA", "6122153757099996400"}
	michael := want{"Michael McAuliffe", "Managing Director", "Charlotte, North Carolina Area", "I'd like to join your LinkedIn network.",
		"https://www.linkedin.com/profile/view?id=AAsAAAJUVTYBWkKAZwppmyYBjwgm1AI0nKRyTwA", "6132985418842456064"}
	priya := want{"Priya Raman", "Engineering Manager at Globex | Building reliable payment syst…", "Bengaluru, Karnataka, India",
		"Hi Paul, I enjoyed your talk at GopherCon EU on structured logging. We're rolling slog out across our payment services and I'd love to compare notes on sampling.",
		"https://www.linkedin.com/in/priya-raman-4b2a1/", "7336519941013721510"}
	deborah := want{"Deborah O'Neill", "", "", "We met at the Agile 2011 conference in Salt Lake City - you ran the session on continuous delivery at scale.\nI'd love to stay in touch and hear how the trunk-based development rollout goes.", "", ""}
	noLocation := func(w want) want { w.location = ""; return w }
	unlink := regexp.MustCompile(`<a [^>]*><span style="font-size:20px[^>]*>Priya Raman</span></a>`)

	tests := []struct {
		name    string
		fixture string
		html    bool // keep the HTML part, else the text part
		edit    func(header, body string) (string, string)
		want    want
	}{
		{"real m2m html only", "testdata/real/2016-04-m2m-invitation.eml", true, nil, steven},
		{"real m2m text only", "testdata/real/2016-04-m2m-invitation.eml", false, nil, noLocation(steven)},
		{"real single01 html only", "testdata/real/2016-05-single01-a.eml", true, nil, michael},
		{"real single01 text only", "testdata/real/2016-05-single01-a.eml", false, nil, noLocation(michael)},
		{"2023 unknown list heading", "testdata/2023/i-want-to-connect-note-pymk.eml", true, func(h, b string) (string, string) {
			return h, strings.Replace(b, "More people you may know", "Grow your network", 1)
		}, priya},
		{"2023 text, unknown list heading", "testdata/2023/i-want-to-connect-note-pymk.eml", false, func(h, b string) (string, string) {
			return h, strings.Replace(b, "More people you may know", "Grow your network", 1)
		}, priya},
		{"2023 name not a link, sender LinkedIn", "testdata/2023/i-want-to-connect-note-pymk.eml", true, func(h, b string) (string, string) {
			return strings.Replace(h, "From: Priya Raman", "From: LinkedIn", 1), unlink.ReplaceAllString(b, "<span>Priya Raman</span>")
		}, priya},
		{"2011 text, unknown subject", "testdata/2011/invitation-personal-note.eml", false, func(h, b string) (string, string) {
			return strings.Replace(h, "Subject: Invitation to connect on LinkedIn", "Subject: hello", 1), b
		}, deborah},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, text, html := splitFixture(t, tt.fixture)
			body, ctype := text, "text/plain"
			if tt.html {
				body, ctype = html, "text/html"
			}
			if tt.edit != nil {
				h, body = tt.edit(h, body)
			}
			src := h + "\nContent-Type: " + ctype + "; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body
			msg, err := Parse(strings.NewReader(src))
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", tt.name, err)
			}
			if len(msg.Invitations) != 1 {
				t.Fatalf("Parse(%s) = %d invitations, want 1", tt.name, len(msg.Invitations))
			}
			inv := msg.Invitations[0]
			got := want{inv.Name, inv.Headline, inv.Location, inv.Note, inv.ProfileURL, inv.InvitationID}
			if got != tt.want {
				t.Errorf("Parse(%s) =\n %+v\nwant\n %+v", tt.name, got, tt.want)
			}
		})
	}
}

// TestParseReminderFlag checks that only a reminder is flagged as one: the
// "... is waiting for your response" preheader LinkedIn puts on every 2023+
// card says nothing, the template header decides, and without it the
// subject does.
func TestParseReminderFlag(t *testing.T) {
	raw, err := os.ReadFile("testdata/2025/i-want-to-connect-no-note.eml")
	if err != nil {
		t.Fatal(err)
	}
	waiting := bytes.Replace(raw, []byte("from DeepMind=\r\n wants to connect"), []byte("from DeepMind=\r\n is waiting for your response"), 1)
	waiting = bytes.Replace(waiting, []byte("from DeepMind=\n wants to connect"), []byte("from DeepMind=\n is waiting for your response"), 1)
	if bytes.Equal(waiting, raw) {
		t.Fatal("fixture changed: its preheader no longer says \"wants to connect\"")
	}
	old, err := os.ReadFile("testdata/2011/invitation-default-note.eml") // no template anywhere
	if err != nil {
		t.Fatal(err)
	}
	subjectReminder := regexp.MustCompile(`(?m)^Subject:.*$`).ReplaceAll(old, []byte("Subject: Reminder about your invitation from Jane"))
	reminderTemplate := bytes.Replace(waiting, []byte("email_m2m_invite_single_01"), []byte("email_m2m_invite_reminder_02"), 1)
	for _, tt := range []struct {
		name string
		raw  []byte
		want bool
	}{
		{"single card with waiting preheader", waiting, false},
		{"no template, invitation subject", old, false},
		{"no template, reminder subject", subjectReminder, true},
		{"reminder template", reminderTemplate, true},
	} {
		msg, err := Parse(bytes.NewReader(tt.raw))
		if err != nil {
			t.Fatalf("%s: Parse: %v", tt.name, err)
		}
		if len(msg.Invitations) != 1 {
			t.Fatalf("%s: Parse gave %d invitations, want 1", tt.name, len(msg.Invitations))
		}
		if got := msg.Invitations[0].Reminder; got != tt.want {
			t.Errorf("%s: Reminder = %v, want %v", tt.name, got, tt.want)
		}
	}
}
