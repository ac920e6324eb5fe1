package inbox

import "strings"

// badgeLine reports whether text is a line of profile badges that a card
// may print between the inviter's name and headline: pronouns ("She/Her",
// "(he/him)"), the degree of connection ("2nd", "· 3rd+", "2nd degree
// connection"), "Premium", "Verified", "#OpenToWork", "#Hiring", or
// several of them ("She/Her · 2nd"). Taken for the headline, such a line
// pushed the headline into the location and the location into the note,
// which was then scored as the inviter's words.
func badgeLine(text string) bool {
	if len(text) > 80 {
		return false
	}
	seen := false
	for seg := range strings.FieldsFuncSeq(text, isBadgeSeparator) {
		seg = strings.TrimSpace(seg)
		if seg == "" {
			continue
		}
		if !badge(seg) {
			return false
		}
		seen = true
	}
	return seen
}

func isBadgeSeparator(r rune) bool { return r == '·' || r == '•' || r == '|' }

// maxBadge is the length of the longest badge, "(they/them/theirs)" with
// spaces: a longer segment is a headline, a place or a note.
const maxBadge = 26

// badges are the badge words LinkedIn prints beside a member's name,
// lower-cased.
var badges = map[string]bool{
	"premium": true, "linkedin premium": true, "premium member": true,
	"verified": true, "#opentowork": true, "open to work": true,
	"#hiring": true, "hiring": true, "top voice": true,
	"1st": true, "2nd": true, "3rd": true, "3rd+": true,
	"1st degree connection": true, "2nd degree connection": true, "3rd degree connection": true,
	"1st-degree connection": true, "2nd-degree connection": true, "3rd-degree connection": true,
}

// pronouns are the words of a pronoun badge ("she/her", "er/ihm",
// "elle/iel"), lower-cased.
var pronouns = map[string]bool{
	"he": true, "him": true, "his": true, "she": true, "her": true, "hers": true,
	"they": true, "them": true, "their": true, "theirs": true, "it": true, "its": true,
	"ze": true, "zir": true, "hir": true, "xe": true, "xem": true, "xyr": true,
	"fae": true, "faer": true, "any": true, "all": true, "ask": true,
	"er": true, "ihm": true, "sie": true, "ihr": true, // German
	"il": true, "lui": true, "elle": true, "iel": true, // French
	"él": true, "ella": true, "elles": true, // Spanish
	"ele": true, "dele": true, "ela": true, "dela": true, // Portuguese
	"hij": true, "hem": true, "zij": true, "haar": true, "hen": true, // Dutch
}

func badge(seg string) bool {
	if len(seg) > maxBadge {
		return false
	}
	var buf [maxBadge]byte
	b, ok := lowerASCII(buf[:0], seg)
	s := string(b)
	if !ok {
		s = strings.ToLower(seg)
	}
	if badges[s] {
		return true
	}
	// Pronouns: two or three words joined by slashes, perhaps in
	// parentheses.
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = s[1 : len(s)-1]
	}
	n := 0
	for w := range strings.SplitSeq(s, "/") {
		if n++; n > 3 || !pronouns[strings.TrimSpace(w)] {
			return false
		}
	}
	return n >= 2
}
