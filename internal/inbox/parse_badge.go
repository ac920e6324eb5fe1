package inbox

import "strings"

// badgeKind says whether a line is a line of profile badges that a card
// may print between the inviter's name and headline: pronouns ("She/Her",
// "(he/him)"), the degree of connection ("2nd", "· 3rd+", "2nd degree
// connection"), "Premium", "Verified", "#OpenToWork", "#Hiring", or
// several of them ("She/Her · 2nd"). Taken for the headline, such a line
// pushed the headline into the location and the location into the note,
// which was then scored as the inviter's words.
type badgeKind int

const (
	notBadge   badgeKind = iota
	badgeSure            // pronouns or a degree, perhaps with other badges
	badgeMaybe           // only words that can be a headline too: "Hiring", "Open to work", "Premium"
)

// badgeLine returns the badgeKind of text.
func badgeLine(text string) badgeKind {
	if len(text) > 80 {
		return notBadge
	}
	kind := notBadge
	for seg := range strings.FieldsFuncSeq(text, isBadgeSeparator) {
		seg = strings.TrimSpace(seg)
		if seg == "" {
			continue
		}
		k := badge(seg)
		if k == notBadge {
			return notBadge
		}
		kind = max(kind, badgeMaybe)
		if k == badgeSure {
			kind = badgeSure
		}
	}
	return kind
}

// isBadgeLine reports whether text is a line of badges of either kind.
func isBadgeLine(text string) bool { return badgeLine(text) != notBadge }

func isBadgeSeparator(r rune) bool { return r == '·' || r == '•' || r == '|' }

// maxBadge is the length of the longest badge, "(they/them/theirs)" with
// spaces: a longer segment is a headline, a place or a note.
const maxBadge = 26

// badges are the badge words LinkedIn prints beside a member's name,
// lower-cased, with their kind: a degree is never anything else; the
// others can be someone's whole headline ("Hiring", "Open to work").
var badges = map[string]badgeKind{
	"premium": badgeMaybe, "linkedin premium": badgeMaybe, "premium member": badgeMaybe,
	"verified": badgeMaybe, "#opentowork": badgeMaybe, "open to work": badgeMaybe,
	"#hiring": badgeMaybe, "hiring": badgeMaybe, "top voice": badgeMaybe,
	"1st": badgeSure, "2nd": badgeSure, "3rd": badgeSure, "3rd+": badgeSure,
	"1st degree connection": badgeSure, "2nd degree connection": badgeSure, "3rd degree connection": badgeSure,
	"1st-degree connection": badgeSure, "2nd-degree connection": badgeSure, "3rd-degree connection": badgeSure,
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

func badge(seg string) badgeKind {
	if len(seg) > maxBadge {
		return notBadge
	}
	var buf [maxBadge]byte
	b, ok := lowerASCII(buf[:0], seg)
	s := string(b)
	if !ok {
		s = strings.ToLower(seg)
	}
	if k, ok := badges[s]; ok {
		return k
	}
	// Pronouns: two or three words joined by slashes, perhaps in
	// parentheses.
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = s[1 : len(s)-1]
	}
	n := 0
	for w := range strings.SplitSeq(s, "/") {
		if n++; n > 3 || !pronouns[strings.TrimSpace(w)] {
			return notBadge
		}
	}
	if n < 2 {
		return notBadge
	}
	return badgeSure
}
