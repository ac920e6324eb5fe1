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
	} {
		if got := IsDefaultNote(tt.note); got != tt.want {
			t.Errorf("IsDefaultNote(%q) = %v, want %v", tt.note, got, tt.want)
		}
	}
}
