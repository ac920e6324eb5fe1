package inbox

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The oracles below are the matchers as they were before the prefilters,
// the per-line memo and the hand-written scanners: every pattern run as a
// regexp, every text lower-cased with strings.ToLower.

func oracleAnyMatch(res *phraseList, s string) bool {
	for _, p := range res.ps {
		if p.re.MatchString(s) {
			return true
		}
	}
	return false
}

func oracleFirstSubmatch(res *phraseList, s string) []string {
	for _, p := range res.ps {
		if m := p.re.FindStringSubmatch(s); m != nil {
			return m
		}
	}
	return nil
}

func oracleIsPYMKHeading(s string) bool {
	return phrases().pymk[strings.ToLower(strings.TrimRight(s, ":.… "))]
}

func oracleIsStructural(text string) bool {
	return oracleAnyMatch(phrases().boilerplate, text) || oracleAnyMatch(phrases().footers, text) ||
		oracleIsPYMKHeading(text) || oracleAnyMatch(phrases().requested, text)
}

func oracleIsAcceptLabel(text string) bool {
	t := strings.ToLower(strings.TrimRight(normalize(text), ":. "))
	return phrases().acceptLabels[t] || oracleAnyMatch(phrases().acceptFrom, t)
}

func oracleIsActionLabel(text string) bool {
	t := strings.TrimRight(normalize(text), ":. ")
	return oracleIsAcceptLabel(t) || oracleAnyMatch(phrases().viewProfile, t)
}

var oracleNameDisallowed = regexp.MustCompile(`https?://|[:;!?{}<>=\[\]|]|^[-–—•*]`)

func oraclePlausibleName(text string) bool {
	if text == "" || len(text) > 100 || len(strings.Fields(text)) > 8 {
		return false
	}
	if oracleNameDisallowed.MatchString(text) || strings.HasSuffix(text, ".") && !strings.HasSuffix(text, "Jr.") && !strings.HasSuffix(text, "Sr.") {
		return false
	}
	if oracleIsActionLabel(text) || oracleIsStructural(text) || oracleAnyMatch(phrases().greetings, text) || oracleMutualCount(text) != nil {
		return false
	}
	// badgeLine has no regexp twin: TestBadgeLine checks it.
	return strings.IndexFunc(text, isLetter) >= 0 && !isBadgeLine(text)
}

func oracleMutualCount(text string) *int {
	if m := oracleFirstSubmatch(phrases().mutual, text); m != nil {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m[1])
		if n, err := strconv.Atoi(digits); err == nil && n >= 0 && n < 1e7 {
			return &n
		}
	}
	if m := oracleFirstSubmatch(phrases().mutualOthers, text); m != nil {
		if n, err := strconv.Atoi(m[2]); err == nil && n >= 0 && n < 1e6 {
			n += namedCount(m[1])
			return &n
		}
	}
	if m := oracleFirstSubmatch(phrases().mutualNamed, text); m != nil {
		n := namedCount(m[1])
		return &n
	}
	if oracleAnyMatch(phrases().mutualOne, text) {
		n := 1
		return &n
	}
	return nil
}

// phraseEdgeCases trip case folding, the exact and suffix prefilters and
// the hand-written scanners.
var phraseEdgeCases = []string{
	"View profile", "VIEW PROFILE", "view full profile", "View  profile", "View profile.", "view profiles", "xview profile",
	"vıew profile", "View Jane's profile", "View Jane’s profile", "View Janes profile", "View profile ", "\u212aonnect", "connect",
	"Connect", "ConnecT", "linkedin", "LINKEDIN", "Linked\u212an", "invitation", "Invitations", "invitationss", "-----", "=====", "--==_",
	"----", "—————", "People you may know", "people you may know:", "PEOPLE YOU MAY KNOW…", "People you may know… …", "People you may know.:",
	"Personen, die Sie kennen könnten", "PERSONEN, DIE SIE KENNEN KÖNNTEN", "Accept", "ACCEPT:", "Accept invitation from Jane Doe",
	"Accetta l’invito di Mario", "Accept invitation from", "accept now", "Accept\u00a0now", "Jane Doe", "- Sam", "• Jane", "*Jane", "Jane: Doe",
	"Jane http://x", "Dr. Jane Doe Jr.", "Jane Doe Sr.", "Jane.", "a b c d e f g h", "a b c d e f g h i", "a\u00a0b\u2003c d e f g h i",
	"3 connections in common", "1,234 mutual connections", "Jane Roe and 4 other mutual connections", "Jane Roe is a mutual connection",
	"Ana Lima, Tomasz Nowak & 8 other mutual connections", "Ana Lima and Tomasz Nowak are mutual connections", "A, B, and 1 other shared connection",
	"Hi Paul, I'd like to connect", "Hi, welcome", "Hello Paul,", "Ciao Mario, come stai", "\xffView profile", "View profile\xff",
	"İnvitations", "ınvitations", "ſee all invitations", "Reply", "REPLY", "message", "Ignore", "ignora", "Collegati",
}

func phraseTexts(t *testing.T) []string {
	return append(sampleUnderRace(fixtureTexts(t)), phraseEdgeCases...)
}

// sampleUnderRace returns every fifth text under the race detector and
// all of them otherwise.
func sampleUnderRace(texts []string) []string {
	if !raceEnabled {
		return texts
	}
	var out []string
	for i := 0; i < len(texts); i += 5 {
		out = append(out, texts[i])
	}
	return out
}

func checkPhrases(t *testing.T, s string) {
	t.Helper()
	p := phrases()
	lists := map[string]*phraseList{
		"inviteSubjects": p.inviteSubjects, "accepted": p.accepted, "reminders": p.reminders, "greetings": p.greetings,
		"inviteLines": p.inviteLines, "mutual": p.mutual, "mutualOthers": p.mutualOthers, "mutualNamed": p.mutualNamed, "mutualOne": p.mutualOne,
		"acceptFrom": p.acceptFrom, "viewProfile": p.viewProfile, "intendedFor": p.intendedFor, "requested": p.requested,
		"boilerplate": p.boilerplate, "footers": p.footers,
	}
	for name, list := range lists {
		if got, want := anyMatch(list, s), oracleAnyMatch(list, s); got != want {
			t.Errorf("anyMatch(%s, %q) = %v, want %v", name, s, got, want)
		}
		if got, want := firstSubmatch(list, s), oracleFirstSubmatch(list, s); !reflect.DeepEqual(got, want) {
			t.Errorf("firstSubmatch(%s, %q) = %q, want %q", name, s, got, want)
		}
	}
	if got, want := isStructural(s), oracleIsStructural(s); got != want {
		t.Errorf("isStructural(%q) = %v, want %v", s, got, want)
	}
	if got, want := isPYMKHeading(s), oracleIsPYMKHeading(s); got != want {
		t.Errorf("isPYMKHeading(%q) = %v, want %v", s, got, want)
	}
	if got, want := isAcceptLabel(s), oracleIsAcceptLabel(s); got != want {
		t.Errorf("isAcceptLabel(%q) = %v, want %v", s, got, want)
	}
	if got, want := isActionLabel(s), oracleIsActionLabel(s); got != want {
		t.Errorf("isActionLabel(%q) = %v, want %v", s, got, want)
	}
	if got, want := plausibleName(s), oraclePlausibleName(s); got != want {
		t.Errorf("plausibleName(%q) = %v, want %v", s, got, want)
	}
	if got, want := mutualCount(s), oracleMutualCount(s); !reflect.DeepEqual(got, want) {
		t.Errorf("mutualCount(%q) = %v, want %v", s, got, want)
	}
	if got, want := nameDisallowedIn(s), oracleNameDisallowed.MatchString(s); got != want {
		t.Errorf("nameDisallowedIn(%q) = %v, want %v", s, got, want)
	}
	for _, n := range []int{0, 1, 8} {
		if got, want := moreFields(s, n), len(strings.Fields(s)) > n; got != want {
			t.Errorf("moreFields(%q, %d) = %v, want %v", s, n, got, want)
		}
	}
	if got, want := trimPYMK(s), strings.TrimRight(s, ":.… "); got != want {
		t.Errorf("trimPYMK(%q) = %q, want %q", s, got, want)
	}
	for _, sub := range []string{"/mynetwork/", "linkedin.com/", "k"} {
		if got, want := containsLower(s, sub), strings.Contains(strings.ToLower(s), sub); got != want {
			t.Errorf("containsLower(%q, %q) = %v, want %v", s, sub, got, want)
		}
		if got, want := hasLowerPrefix(s, sub), strings.HasPrefix(strings.ToLower(s), sub); got != want {
			t.Errorf("hasLowerPrefix(%q, %q) = %v, want %v", s, sub, got, want)
		}
	}
}

// TestPhraseOracle checks the phrase matchers and the line predicates
// against their regexp oracles on every text of every fixture.
func TestPhraseOracle(t *testing.T) {
	for _, s := range phraseTexts(t) {
		checkPhrases(t, s)
	}
}

// TestDocMemo checks the memoised line predicates of a doc against the
// functions they cache, on every line of every fixture.
func TestDocMemo(t *testing.T) {
	var lines []line
	for _, s := range phraseTexts(t) {
		lines = append(lines, line{text: s})
	}
	d := newDoc(lines, false)
	for pass := 0; pass < 2; pass++ { // computed, then cached
		for i, l := range d.lines {
			if got, want := d.structural(i), oracleIsStructural(l.text); got != want {
				t.Errorf("structural(%q) = %v, want %v", l.text, got, want)
			}
			if got, want := d.plausible(i), oraclePlausibleName(l.text); got != want {
				t.Errorf("plausible(%q) = %v, want %v", l.text, got, want)
			}
			if got, want := d.mutual(i), oracleMutualCount(l.text); !reflect.DeepEqual(got, want) {
				t.Errorf("mutual(%q) = %v, want %v", l.text, got, want)
			}
			if got, want := d.greeting(i), oracleFirstSubmatch(phrases().greetings, l.text); !reflect.DeepEqual(got, want) {
				t.Errorf("greeting(%q) = %q, want %q", l.text, got, want)
			}
			if got, want := d.pymkHeading(i), oracleIsPYMKHeading(l.text); got != want {
				t.Errorf("pymkHeading(%q) = %v, want %v", l.text, got, want)
			}
			if got, want := string(d.key(i)), string(foldKey(nil, l.text)); got != want {
				t.Errorf("key(%q) = %q, want %q", l.text, got, want)
			}
		}
	}
	if p, q := d.mutual(0), d.mutual(0); p != nil && p == q {
		t.Error("mutual returns the same *int twice")
	}
}

// TestExactPhrases checks that the anchored patterns without repetition
// or escapes ("^view (?:full )?profile$", "^connect$") are matched by fold
// key alone.
func TestExactPhrases(t *testing.T) {
	p := phrases()
	exact := 0
	for _, list := range []*phraseList{p.inviteSubjects, p.accepted, p.reminders, p.greetings, p.inviteLines, p.mutual, p.mutualOthers,
		p.mutualNamed, p.mutualOne, p.acceptFrom, p.viewProfile, p.intendedFor, p.requested, p.boilerplate, p.footers} {
		for _, ph := range list.ps {
			s := ph.re.String()
			if strings.HasSuffix(s, "$") && !strings.ContainsAny(s, "+*{\\") && ph.exact == nil {
				t.Errorf("pattern %s is not matched exactly", s)
			}
			if ph.exact != nil {
				exact++
			}
		}
	}
	if exact < 20 {
		t.Errorf("only %d patterns are matched exactly", exact)
	}
}

func FuzzPhraseOracle(f *testing.F) {
	for _, s := range phraseEdgeCases {
		f.Add(s)
	}
	f.Fuzz(checkPhrases)
}
