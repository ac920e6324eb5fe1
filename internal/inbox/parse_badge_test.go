package inbox

import "testing"

func TestBadgeLine(t *testing.T) {
	for _, tc := range []struct {
		text string
		want badgeKind
	}{
		{"She/Her", badgeSure},
		{"(he/him)", badgeSure},
		{"They/Them/Theirs", badgeSure},
		{"He / They", badgeSure},
		{"er/ihm", badgeSure},
		{"2nd", badgeSure},
		{"· 3rd+", badgeSure},
		{"2nd degree connection", badgeSure},
		{"She/Her · 2nd", badgeSure},
		{"Verified • 1st", badgeSure},
		{"Premium · 2nd", badgeSure},
		// Words that can be a whole headline too.
		{"Premium", badgeMaybe},
		{"Verified", badgeMaybe},
		{"#OpenToWork", badgeMaybe},
		{"Hiring", badgeMaybe},
		{"Open to work · Premium", badgeMaybe},
		// Headlines, places, names and notes are not badges.
		{"Research Scientist at DeepMind", notBadge},
		{"Premium Account Manager at Acme", notBadge},
		{"Hiring Manager", notBadge},
		{"Input/Output engineer", notBadge},
		{"Sales/Marketing", notBadge},
		{"London, England, United Kingdom", notBadge},
		{"2nd quarter planning, can we talk?", notBadge},
		{"Ze Li", notBadge},
		{"Elle Smith", notBadge},
		{"", notBadge},
		{"·", notBadge},
	} {
		if got := badgeLine(tc.text); got != tc.want {
			t.Errorf("badgeLine(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}
