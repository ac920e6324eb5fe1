package policy

import (
	"flag"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Differential tests of the fast paths in marker_prefilter.go,
// note_plain.go and match.go against the code they replace, which stays
// as the reference: markerSlow, isSelfReportSlow, len(strings.Fields),
// matchWords(firstPerson()), stripSignoff, entitiesOf, and, kept here,
// findWordSlow and indexASCIIFoldSlow.

// findWordSlow is findWord as it was, splitting phrase with
// strings.Fields and searching with indexFoldSlow.
func findWordSlow(text, phrase string, caseSensitive bool) (int, bool) {
	pw := strings.Fields(phrase)
	if len(pw) == 0 {
		return 0, false
	}
	for start := 0; start < len(text); {
		i := indexFoldSlow(text[start:], pw[0], caseSensitive)
		if i < 0 {
			return 0, false
		}
		at := start + i
		end := at + len(pw[0])
		ok := boundaryBefore(text, at)
		for _, w := range pw[1:] {
			if !ok {
				break
			}
			j := end
			for j < len(text) {
				r, n := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsSpace(r) {
					break
				}
				j += n
			}
			if j == end || !hasPrefixFold(text[j:], w, caseSensitive) {
				ok = false
				break
			}
			end = j + len(w)
		}
		if ok && boundaryAfter(text, end) {
			return at, true
		}
		_, n := utf8.DecodeRuneInString(text[at:])
		start = at + n
	}
	return 0, false
}

func indexFoldSlow(s, sub string, caseSensitive bool) int {
	if caseSensitive {
		return strings.Index(s, sub)
	}
	if isASCII(sub) {
		return indexASCIIFoldSlow(s, sub)
	}
	return indexRuneFold(s, sub)
}

// indexASCIIFoldSlow is indexASCIIFold as it was: every byte tested.
func indexASCIIFoldSlow(s, sub string) int {
	if len(sub) == 0 {
		if len(s) == 0 {
			return -1
		}
		return 0
	}
	first, firstUp := lowerASCII(sub[0]), upperASCII(sub[0])
	for i := 0; i+len(sub) <= len(s); i++ {
		if c := s[i]; c != first && c != firstUp {
			continue
		}
		j := 1
		for j < len(sub) && lowerASCII(s[i+j]) == lowerASCII(sub[j]) {
			j++
		}
		if j == len(sub) {
			return i
		}
	}
	return -1
}

// edgeTexts are inputs on the edges of the fast paths: case, runes that
// fold or lower-case unusually, invalid UTF-8, word boundaries next to
// non-ASCII letters, apostrophes and quotes, sign-offs, white space.
var edgeTexts = []string{
	"", " ", "\n\n", "a", "I", "i", "I'm", "i am here", "WE ARE", "We're", "éwe", "weé", "we_", "2we", "_we",
	"ourselves", "Our", "MY", "my+", "10+ years", "10 + yrs", "years of experience", "EXPERIENCE", "we cut our costs",
	"we reduced our p99 by 40%", "our clients saw 3x", "ſ", "our poſts", "K", "Kelvin", "İstanbul", "ı", "\xff", "we\xffour",
	"'quoted'", "O'Reilly said", "'", "I'", "Hi Paul,\n\nI saw your talk at GopherCon.\n\nBest\nRaj Patel",
	"Best,\nRaj", "line one has more than three words\nThanks\nBob", "one\n\ntwo three four five\n\n",
	"You and Me at KubeCon Europe", "YOU", "yoU", "yóu", "Hallo Paul, ich würde mich freuen",
	"jesteśmy firmą Northwind Analytics", "“Quoted” Name — Another Name; (Parens) ¡Hola! ¿Qué?",
	"LION | 30K+ | open-networker | I ACCEPT ALL | never ignore | TopLinked | 1,234 connections",
	"l.i.o.n", "L.I.O.N.", "BILLION", "Lion King", "acceptſ all", "connectionſ", "30 k+", "3.5k+ followers",
	"kevin@example.com", "\u00a0we\u00a0help\u2003you", "tab\tseparated\vfields\fhere\rnow",
}

// TestMarkerFastEqualsSlow checks that marker, with its literal
// prefilter, finds what markerSlow finds, for the default markers and
// for custom ones.
func TestMarkerFastEqualsSlow(t *testing.T) {
	texts := append([]string(nil), edgeTexts...)
	for _, inv := range sweepInvitations(t) {
		texts = append(texts, inv.Name, inv.Headline)
	}
	texts = append(texts, allNotes(t)...)
	for _, p := range markerPolicies(t) {
		if p.markerFilter == nil {
			t.Fatalf("markers %q: no filter", p.cfg.LION.Markers)
		}
		for _, text := range texts {
			if got, want := p.marker(text), p.markerSlow(text); got != want {
				t.Errorf("markers %q: marker(%q) = %q, markerSlow %q", p.cfg.LION.Markers, text, got, want)
			}
		}
	}
}

// markerPolicies are policies with the default markers and with custom
// ones: case-sensitive and not, folding letters (k, s), non-ASCII
// literals, anchors, classes, and \Q.
func markerPolicies(t testing.TB) []*Policy {
	sets := [][]string{
		Defaults().LION.Markers,
		{`(?i)open networker`, `LION\b`},
		{`(?i)\bkeks\b`, `(?i)straße`, `^[A-Z]{4}$`, `(?i)\Qa+b`, `(?i)[kſ]+s`, `(?m)^never$`},
		{`(?i)ünï`, `\p{Greek}+`, `(?i)x.y`, `\d{3,}`},
	}
	var ps []*Policy
	for _, m := range sets {
		cfg := Defaults()
		cfg.LION.Markers = m
		p, err := New(cfg, Me{})
		if err != nil {
			t.Fatalf("New(markers %q): %v", m, err)
		}
		ps = append(ps, p)
	}
	return ps
}

// TestFewByteClasses checks the guard that keeps newACMatcher from
// panicking on literals with more distinct bytes than it has classes.
// Literals from regexps are valid UTF-8, which uses at most 243 byte
// values, so the guard is defensive.
func TestFewByteClasses(t *testing.T) {
	var all []string
	for b := range 256 {
		all = append(all, string([]byte{byte(b)}))
	}
	if fewByteClasses(all) {
		t.Error("fewByteClasses(every byte) = true, want false")
	}
	if !fewByteClasses(all[:255]) {
		t.Error("fewByteClasses(255 bytes) = false, want true")
	}
}

// FuzzMarker checks marker against markerSlow on any text.
func FuzzMarker(f *testing.F) {
	for _, s := range edgeTexts {
		f.Add(s)
	}
	ps := markerPolicies(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range ps {
			if got, want := p.marker(text), p.markerSlow(text); got != want {
				t.Fatalf("markers %q: marker(%q) = %q, markerSlow %q", p.cfg.LION.Markers, text, got, want)
			}
		}
	})
}

// FuzzMarkerPattern checks marker against markerSlow for any marker a
// user may write, not only the sets above: the prefilter's condition is
// derived from the pattern's syntax tree. A second fixed marker keeps
// the order of the markers in play.
func FuzzMarkerPattern(f *testing.F) {
	for i, m := range append(Defaults().LION.Markers, `(?i)[kſ]+s`, `(?i)\Qa+b`, `^[A-Z]{4}$`, `(?i)ünï`, `\p{Greek}+`) {
		f.Add(m, edgeTexts[i%len(edgeTexts)])
	}
	f.Fuzz(func(t *testing.T, pattern, text string) {
		re, err := regexp.Compile(pattern)
		if err != nil || re.MatchString("") {
			return // New refuses both
		}
		markers := []*regexp.Regexp{re, regexp.MustCompile(`(?i)open networker`)}
		p := &Policy{markers: markers, anyMarker: joinMarkers([]string{pattern, `(?i)open networker`}), markerFilter: newMarkerFilter(markers)}
		if got, want := p.marker(text), p.markerSlow(text); got != want {
			t.Fatalf("marker %q: marker(%q) = %q, markerSlow %q", pattern, text, got, want)
		}
	})
}

// helperMes are [me] sections for the entity and term checks.
var helperMes = []Me{corpusMe, blindMe, {}, {Name: "Éva ÖKUBO-Straße  o'neil", Companies: []string{"Straße AG", "K Corp"}}}

// helperPhrases are findWord phrases: single and several words, ASCII
// and not, odd white space, runes that fold to ASCII letters.
var helperPhrases = []string{
	"go", "Go", "SRE", "platform engineering", "  platform \t engineering ", "observability", "Leeds", "University of Leeds",
	"straße", "STRASSE", "ünï", "k", "s", "kelvin", "we", "a+b", "-", "", "   ", "Northwind", "northwind analytics", "İ",
}

// checkNoteHelpers checks each note helper's fast version against its
// reference on text.
func checkNoteHelpers(t *testing.T, text string) {
	t.Helper()
	if got, want := isSelfReport(text), isSelfReportSlow(text); got != want {
		t.Errorf("isSelfReport(%q) = %v, reference %v", text, got, want)
	}
	if got, want := countFields(text), len(strings.Fields(text)); got != want {
		t.Errorf("countFields(%q) = %d, len(strings.Fields) %d", text, got, want)
	}
	if got, want := firstPersonIn(text), matchWords(firstPerson(), text); got != want {
		t.Errorf("firstPersonIn(%q) = %v, matchWords(firstPerson) %v", text, got, want)
	}
	if got, want := stripSignoffFast(text), stripSignoff(text); got != want {
		t.Errorf("stripSignoffFast(%q) = %q, stripSignoff %q", text, got, want)
	}
	var fields []string
	for i := 0; ; {
		f, next, ok := nextField(text, i)
		if !ok {
			break
		}
		fields, i = append(fields, f), next
	}
	if want := strings.Fields(text); strings.Join(fields, "\x00") != strings.Join(want, "\x00") || len(fields) != len(want) {
		t.Errorf("nextField(%q) cuts %q, strings.Fields %q", text, fields, want)
	}
	if utf8.ValidString(text) {
		var clauses []string
		for start := 0; start < len(text); {
			c, next := nextClause(text, start)
			if c != "" {
				clauses = append(clauses, c)
			}
			start = next
		}
		if want := splitClauses(text); strings.Join(clauses, "\x00") != strings.Join(want, "\x00") || len(clauses) != len(want) {
			t.Errorf("nextClause(%q) cuts %q, splitClauses %q", text, clauses, want)
		}
	}
	for _, me := range helperMes {
		for _, german := range []bool{false, true} {
			var got, want noteScore
			entitiesPlain(text, me, &got, german)
			entitiesOf(text, me, &want, german)
			if got != want {
				t.Errorf("entitiesPlain(%q, %q, %v) = %+v, entitiesOf %+v", text, me.Name, german, got, want)
			}
		}
	}
	for _, ph := range helperPhrases {
		for _, cs := range []bool{false, true} {
			gi, gok := findWord(text, ph, cs)
			wi, wok := findWordSlow(text, ph, cs)
			if gi != wi || gok != wok {
				t.Errorf("findWord(%q, %q, %v) = %d %v, reference %d %v", text, ph, cs, gi, gok, wi, wok)
			}
		}
		if isASCII(ph) {
			if got, want := indexASCIIFold(text, ph), indexASCIIFoldSlow(text, ph); got != want {
				t.Errorf("indexASCIIFold(%q, %q) = %d, reference %d", text, ph, got, want)
			}
		}
	}
}

// TestNoteHelpersEqualReference runs checkNoteHelpers on every corpus
// note as the classifier sees it, on its sentences and offer hits (what
// isSelfReport is given), and on the edge texts.
func TestNoteHelpersEqualReference(t *testing.T) {
	texts := append([]string(nil), edgeTexts...)
	texts = append(texts, tricky...)
	for i, note := range allNotes(t) {
		if raceEnabled && i%5 != 0 {
			continue // the race detector slows regexps tenfold
		}
		text := noteText(note)
		texts = append(texts, note, text)
		texts = append(texts, strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(".!?\n;", r) })...)
		for _, ft := range noteFeatures() {
			if ft.kind != offer {
				continue
			}
			for _, loc := range ft.re.FindAllStringIndex(text, 8) {
				texts = append(texts, text[loc[0]:loc[1]])
			}
		}
	}
	for _, text := range texts {
		checkNoteHelpers(t, text)
	}
}

// FuzzNoteHelpers checks the note helpers against their references on
// any text.
func FuzzNoteHelpers(f *testing.F) {
	if fz := flag.Lookup("test.fuzz"); fz != nil && fz.Value.String() != "" {
		for _, n := range allNotes(f) {
			f.Add(n)
		}
	}
	for _, s := range append(edgeTexts, tricky...) {
		f.Add(s)
	}
	f.Fuzz(checkNoteHelpers)
}

// TestASCIIPrefiltersAreExact checks the facts the ASCII literal
// searches rest on: under (?i), no rune but its ASCII cases folds to a
// letter of the literals isSelfReport and firstPersonIn look for, and
// no rune but Y, O and U lower-cases to y, o or u (entitiesPlain's
// "you").
func TestASCIIPrefiltersAreExact(t *testing.T) {
	for _, lit := range []string{"our", "my", "experience", "i", "we", "me"} {
		for _, c := range lit {
			for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
				if f >= utf8.RuneSelf {
					t.Errorf("%q folds to %q under (?i): an ASCII search for %q misses it", c, f, lit)
				}
			}
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if l := unicode.ToLower(r); (l == 'y' || l == 'o' || l == 'u') && r >= utf8.RuneSelf {
			t.Errorf("%q lower-cases to %q: an ASCII search for \"you\" misses it", r, l)
		}
	}
	// The regexp claim behind firstPersonIn: it matches whole ASCII words.
	re := regexp.MustCompile(firstPerson().String())
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"I'm sure we are, i am", []string{"I", "we", "i"}},
		{"We're our own me-myself", []string{"We", "our", "me"}},
		{"wei ours my_ i2", nil},
	} {
		if got := re.FindAllString(tt.text, -1); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("firstPerson in %q finds %q, want %q", tt.text, got, tt.want)
		}
	}
}
