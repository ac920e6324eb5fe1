package inbox

import (
	"fmt"
	"strings"
	"testing"
)

func TestCleanProfileURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.linkedin.com/comm/in/priya-raman-4b2a1?midToken=AQv6&midSig=JZR&trk=eml-x&lipi=urn%3Ali", "https://www.linkedin.com/in/priya-raman-4b2a1/"},
		{"https://www.linkedin.com/in/janedoe/", "https://www.linkedin.com/in/janedoe/"},
		{"https://www.linkedin.com/in/janedoe", "https://www.linkedin.com/in/janedoe/"},
		{"http://it.linkedin.com/in/giulia-rossi/details/experience/?trk=x", "https://www.linkedin.com/in/giulia-rossi/"},
		{"https://www.linkedin.com/in/j%C3%B6rg-m%C3%BCller?otpToken=abc", "https://www.linkedin.com/in/j%C3%B6rg-m%C3%BCller/"},
		{"https://www.linkedin.com/in/jörg-müller", "https://www.linkedin.com/in/j%C3%B6rg-m%C3%BCller/"},
		{"<https://www.linkedin.com/comm/in/x_y-z>", "https://www.linkedin.com/in/x_y-z/"},
		{"linkedin.com/in/janedoe", "https://www.linkedin.com/in/janedoe/"},
		{"https://www.linkedin.com/comm/profile/view?id=AAsAAAJUVTYBWkKAZwppmyYBjwgm1AI0nKRyTwA&authType=name&authToken=eAsV&invAcpt=2197625_I6132985453227360256_500&midToken=AQHQ1w5V4ws4wA&trk=eml-email_m2m_invite_single_01-hero-3-prof%7Ecta",
			"https://www.linkedin.com/profile/view?id=AAsAAAJUVTYBWkKAZwppmyYBjwgm1AI0nKRyTwA"},
		{"https://www.linkedin.com/profile/view?authToken=F40O&id=48213577&trk=x", "https://www.linkedin.com/profile/view?id=48213577"},
		{"https://www.linkedin.com/profile/view?authToken=F40O", ""},
		{"https://www.linkedin.com/profile/view?id=a%26b", ""},
		{"https://www.linkedin.com/comm/mynetwork/invite-accept/invitationId/7/sharedKey/k/", ""},
		{"https://www.linkedin.com/comm/nhome/?midToken=x", ""},
		{"https://www.linkedin.com/e/v2?e=1b3p5&midToken=x", ""},
		{"https://www.linkedin.com/in/", ""},
		{"https://www.linkedin.com/in/a%2Fb/", ""},
		{"https://evil.example/in/janedoe", ""},
		{"https://linkedin.com.evil.example/in/janedoe", ""},
		{"javascript:alert(1)//www.linkedin.com/in/x", ""},
		{"ftp://www.linkedin.com/in/x", ""},
		{"", ""},
		{"not a url", ""},
	}
	for _, tt := range tests {
		if got := CleanProfileURL(tt.in); got != tt.want {
			t.Errorf("CleanProfileURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInvitationID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.linkedin.com/comm/people/invite-accept?mboxid=I6132985453227360256_500&sharedKey=48j6iM8P&fr=false&invitationId=6132985418842456064&fe=true", "6132985418842456064"},
		{"https://www.linkedin.com/comm/mynetwork/invite-accept/invitationId/7336519941013721510/sharedKey/7GV3y-Dw/?midToken=x&mboxid=684282417248", "7336519941013721510"},
		{"https://www.linkedin.com/comm/people/invite-accept?mboxid=I6132985453227360256_500&sharedKey=48j6iM8P", ""},
		{"https://www.linkedin.com/e/-kh9xdh/blk/I2188395823_2/x/EML_comm_afe/?hs=false&tok=1", ""},
		{"https://evil.example/invite-accept?invitationId=1", ""},
	}
	for _, tt := range tests {
		if got := invitationID(tt.in); got != tt.want {
			t.Errorf("invitationID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsInvitationURL(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"https://www.linkedin.com/e/v2?e=rq7&t=ssuw&ek=second_guest_reminder_01&ts=accept_text&sharedKey=Vb4n&invitationId=6171829304857261057", true},
		{"https://www.linkedin.com/comm/start/accept-invitation?sharedKey=Lw8p&invitationId=6209182736450918400&trk=x", true},
		{"https://www.linkedin.com/comm/mynetwork/invite-accept/invitationId/7301928374655123456/sharedKey/Tq8z/?midToken=x", true},
		{"https://www.linkedin.com/e/v2?e=rq7&invitationId=6171829304857261057", false}, // no shared key
		{"https://www.linkedin.com/comm/profile/view?id=AAsA&invAcpt=2197625_I6132985453227360256_500", false},
		{"https://evil.example/e/v2?sharedKey=k&invitationId=1", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isInvitationURL(tt.in); got != tt.want {
			t.Errorf("isInvitationURL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestEmailTemplate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.linkedin.com/e/v2?e=1b3p5-inqenmmy-ir&t=lun&midToken=x&ek=email_m2m_invite_single_01&li=10", "email_m2m_invite_single_01"},
		{"https://www.linkedin.com/comm/nhome/?midToken=x&trk=eml-M2M_Invitation-header-7-home&trkEmail=eml-M2M_Invitation-header-7-home-null", "M2M_Invitation"},
		{"https://www.linkedin.com/comm/nhome/", ""},
	}
	for _, tt := range tests {
		if got := emailTemplate(tt.in); got != tt.want {
			t.Errorf("emailTemplate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func ExampleCleanProfileURL() {
	fmt.Println(CleanProfileURL("https://www.linkedin.com/comm/in/janedoe?midToken=AQE&midSig=1x&trk=eml-email_m2m_invite_single_01-hero-1-prof~name"))
	fmt.Println(CleanProfileURL("https://www.linkedin.com/comm/profile/view?id=AAsAAAJUVTYB&authType=name&authToken=eAsV"))
	fmt.Println(CleanProfileURL("https://www.linkedin.com/comm/mynetwork/invite-accept/invitationId/7/sharedKey/k/") == "")
	// Output:
	// https://www.linkedin.com/in/janedoe/
	// https://www.linkedin.com/profile/view?id=AAsAAAJUVTYB
	// true
}

func FuzzCleanProfileURL(f *testing.F) {
	for _, s := range []string{
		"https://www.linkedin.com/comm/in/priya-raman-4b2a1?midToken=AQv6&trk=x",
		"https://www.linkedin.com/comm/profile/view?id=AAsAAAJ&authToken=eAsV&midToken=AQ",
		"http://it.linkedin.com/in/j%C3%B6rg/x?y",
		"linkedin.com/in/x",
		"https://www.linkedin.com/in/%zz",
		"https://linkedin.com.evil/in/x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := CleanProfileURL(raw)
		if got == "" {
			return
		}
		if !strings.HasPrefix(got, "https://www.linkedin.com/in/") && !strings.HasPrefix(got, "https://www.linkedin.com/profile/view?id=") {
			t.Fatalf("CleanProfileURL(%q) = %q, not a canonical profile URL", raw, got)
		}
		if rest, ok := strings.CutPrefix(got, "https://www.linkedin.com/in/"); ok {
			if strings.Count(rest, "/") != 1 || !strings.HasSuffix(rest, "/") || strings.ContainsAny(rest, "?&#=") {
				t.Fatalf("CleanProfileURL(%q) = %q: more than a vanity name", raw, got)
			}
		} else if id := strings.TrimPrefix(got, "https://www.linkedin.com/profile/view?id="); id == "" || strings.ContainsAny(id, "?&#=/") {
			t.Fatalf("CleanProfileURL(%q) = %q keeps other parameters", raw, got)
		}
		if again := CleanProfileURL(got); again != got {
			t.Fatalf("CleanProfileURL(%q) = %q, but CleanProfileURL(%q) = %q: not idempotent", raw, got, got, again)
		}
	})
}
