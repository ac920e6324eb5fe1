package inbox

import "testing"

func TestIsDefaultNote(t *testing.T) {
	for _, tt := range []struct {
		note string
		want bool
	}{
		{"I'd like to join your LinkedIn network.", true},
		{"I’d like to join your LinkedIn network", true},
		{"Hi Dana, I'd like to join your LinkedIn network.", true},
		{"Hello, I'd like to add you to my professional network on LinkedIn.", true},
		{"Ciao Marco, Vorrei collegarmi con te su LinkedIn.", true},
		{"Bonjour Baptiste, je souhaiterais rejoindre votre réseau sur LinkedIn", true},
		{"Bonjour Baptiste,\n\nJe souhaiterais rejoindre votre réseau sur LinkedIn.", true},
		{"Me gustaría añadirte a mi red profesional en LinkedIn.\u034f\u00a0", true},
		{"Hi Dana, I'd like to join your LinkedIn network to discuss your dbt talk.", false},
		{"Hi Dana,", false},
		{"", false},
		// Signed, as older invitations were.
		{"I'd like to add you to my professional network on LinkedIn.\n\n- Mark Davies", true},
		{"Hi Priya,\nI'd like to join your LinkedIn network.\n-Ahmed", true},
		{"I'd like to add you to my professional network on LinkedIn. - Zoë O'Brien-Smith", true},
		{"I'd like to add you to my professional network on LinkedIn. – Oliver Brandt", true},
		{"I'd like to join your LinkedIn network — Oliver", true},
		{"I'd like to join your LinkedIn network – we met at GopherCon, by the way", false},
		{"Vorrei collegarmi con te su LinkedIn.\n— Dott. Marco Rossi", true},
		{"I'd like to join your LinkedIn network.\nWe met at GopherCon, by the way.", false},
		{"I'd like to join your LinkedIn network.\n- see my site https://example.com", false},
		{"- Mark Davies", false},
		// After a bare name, as some inviters write it.
		{"Dana, I'd like to join your LinkedIn network.", true},
		{"Dr. Okafor, I'd like to add you to my professional network on LinkedIn.", true},
		{"Jean-Luc,\nJe souhaiterais rejoindre votre réseau sur LinkedIn.", true},
		{"Dana, I'd like to add you to my professional network on LinkedIn. - Ravi Shah", true},
		{"Dana, I'd like to join your LinkedIn network to talk about your dbt talk.", false},
		{"Sure, thanks, I'd like to join your LinkedIn network.", false},
		{"so, I'd like to join your LinkedIn network.", false},
		{"Dana,", false},
	} {
		if got := IsDefaultNote(tt.note); got != tt.want {
			t.Errorf("IsDefaultNote(%q) = %v, want %v", tt.note, got, tt.want)
		}
	}
}

// TestOtherInvites checks the subjects of LinkedIn's invitations to
// something other than a connection, which are not invitations to
// connect, against connection invitations' subjects.
func TestOtherInvites(t *testing.T) {
	for _, tc := range []struct {
		subject string
		other   bool
	}{
		{"Ana Lima invited you to follow Globex", true},
		{"Ana Lima invites you to follow Globex on LinkedIn", true},
		{"Ana Lima invited you to attend Data Council Amsterdam", true},
		{"Ana Lima invited you to an event: Streaming Summit", true},
		{"Ana Lima invited you to subscribe to The Pipeline", true},
		{"Ana Lima vous a invité à suivre Globex", true},
		{"Ana Lima te ha invitado a seguir Globex", true},
		{"Ana Lima hat Sie eingeladen, Globex zu folgen", true},
		{"Ana Lima convidou você para seguir Globex", true},
		// Invitations to connect.
		{"Ana Lima wants to connect", false},
		{"Invitation to connect on LinkedIn", false},
		{"Ana Lima has invited you to connect", false},
		{"Paul, please add me to your LinkedIn network", false},
		{"I'd like to follow up on my invitation", false},
		{"You have an invitation", false},
	} {
		if got := anyMatch(phrases().otherInvites, tc.subject); got != tc.other {
			t.Errorf("%q: invitation to something else %v, want %v", tc.subject, got, tc.other)
		}
	}
	for _, tmpl := range []string{"email_organization_invitation_01", "email_event_invite_01", "email_groups_invite"} {
		if classifyTemplate(tmpl) != tmplOther {
			t.Errorf("template %q taken for a connection invitation's", tmpl)
		}
	}
	for _, tmpl := range []string{"email_m2m_invite_single_01", "M2M_Invitation", "email_m2m_invite_digest_02", "email_m2m_invite_reminder_02", "first_guest_reminder_01"} {
		if classifyTemplate(tmpl) != tmplInvite {
			t.Errorf("template %q not taken for a connection invitation's", tmpl)
		}
	}
}
