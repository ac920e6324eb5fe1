package inbox

import "testing"

func TestBadgeLine(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"She/Her", true},
		{"(he/him)", true},
		{"They/Them/Theirs", true},
		{"He / They", true},
		{"er/ihm", true},
		{"2nd", true},
		{"· 3rd+", true},
		{"2nd degree connection", true},
		{"Premium", true},
		{"Verified", true},
		{"#OpenToWork", true},
		{"She/Her · 2nd", true},
		{"Verified • 1st", true},
		// Headlines, places and notes are not badges.
		{"Research Scientist at DeepMind", false},
		{"Premium Account Manager at Acme", false},
		{"Hiring Manager", false},
		{"Input/Output engineer", false},
		{"Sales/Marketing", false},
		{"London, England, United Kingdom", false},
		{"2nd quarter planning, can we talk?", false},
		{"", false},
		{"·", false},
	} {
		if got := badgeLine(tc.text); got != tc.want {
			t.Errorf("badgeLine(%q) = %t, want %t", tc.text, got, tc.want)
		}
	}
}
