package inbox

import (
	"bytes"
	"html"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/emersion/go-message"
)

// fixturePart is a message read from a file: its header fields as
// fillHeader reads them and its text parts as collectParts decodes them
// (err is collectParts' error).
type fixturePart struct {
	path   string
	header message.Header
	msg    Message
	bodies
	err error
}

// fixtureParts reads the messages at paths, leaving out those go-message
// cannot read at all.
func fixtureParts(t testing.TB, paths []string) []fixturePart {
	t.Helper()
	var out []fixturePart
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := message.Read(bytes.NewReader(data))
		if e == nil {
			continue
		}
		f := fixturePart{path: path, header: e.Header}
		fillHeader(&f.msg, e.Header)
		f.err = collectParts(e, &f.bodies, 0)
		out = append(out, f)
	}
	return out
}

// fixtureTexts returns the subjects, raw text lines and rendered lines of
// every fixture, plus strings chosen to trip case folding and spacing.
func fixtureTexts(t *testing.T) []string {
	t.Helper()
	out := []string{
		"", " ", "a  b", " a", "a ", "a\tb", "a\u00a0b", "a\u200b b", "a\u200b", "\u200b",
		"\xff\xfe", "a\xffb c", "a\u034fb\u2060 c\u00ad\ufeff\u200e\u200f d\u200c\u200d", "Zoë  Ünal\u00a0·\u2003x ", "3 \u212Aonnections in common", "5 CONNECTIONS IN COMMON",
		"Jane ha accettato il tuo invito", "Hi ſam, I'd like to join your LinkedIn network.",
		"this email was intended for Paul (Engineer)", "THIS EMAIL WAS INTENDED FOR Paul",
		"Accept: <https://www.linkedin.com/comm/x>", "see http://", "<http://a>", "xhttps://b c",
		"https:// http://x", "httphttps://y", "a\vhttp://b\vc", "http://ä\xffz\"q",
	}
	for _, f := range fixtureParts(t, fixtures(t)) {
		out = append(out, f.msg.Subject, f.msg.FromName)
		if f.err != nil {
			continue
		}
		b := f.bodies
		out = append(out, strings.Split(b.text, "\n")...)
		for _, l := range textLines(b.text) {
			out = append(out, l.text)
		}
		if lines, err := htmlLines(strings.NewReader(b.html)); err == nil {
			for _, l := range lines {
				out = append(out, l.text, l.href)
			}
		}
	}
	return out
}

// TestPhrasePrefilter checks that the literal prefilter never rejects a
// text its pattern matches.
func TestPhrasePrefilter(t *testing.T) {
	texts := sampleUnderRace(fixtureTexts(t))
	classes := map[string]*phraseList{
		"inviteSubjects": phrases().inviteSubjects, "accepted": phrases().accepted, "reminders": phrases().reminders,
		"greetings": phrases().greetings, "inviteLines": phrases().inviteLines, "mutual": phrases().mutual,
		"mutualOthers": phrases().mutualOthers, "mutualNamed": phrases().mutualNamed, "mutualOne": phrases().mutualOne, "acceptFrom": phrases().acceptFrom,
		"viewProfile": phrases().viewProfile, "intendedFor": phrases().intendedFor, "requested": phrases().requested,
		"boilerplate": phrases().boilerplate, "footers": phrases().footers,
	}
	matched := 0
	for name, list := range classes {
		for _, p := range list.ps {
			for _, s := range texts {
				if !p.re.MatchString(s) {
					continue
				}
				matched++
				if !p.mayMatch(foldKey(nil, s)) {
					t.Errorf("%s: prefilter %q of %s rejects %q, which it matches", name, p.needles, p.re, s)
				}
			}
		}
	}
	if matched == 0 {
		t.Fatal("no pattern matched any fixture text")
	}
	// The prefilter must do its job: a literal for most patterns.
	for name, list := range classes {
		for _, p := range list.ps {
			if len(p.needles) == 0 && !strings.Contains(p.re.String(), "{5,}") {
				t.Errorf("%s: pattern %s has no prefilter", name, p.re)
			}
		}
	}
}

func TestFoldKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"linkedin", "LinkedIn"}, {"k", "\u212a"}, {"s", "ſ"}, {"è", "È"}, {"ß", "ẞ"},
	}
	for _, tt := range tests {
		if ka, kb := foldKey(nil, tt.a), foldKey(nil, tt.b); !bytes.Equal(ka, kb) {
			t.Errorf("foldKey(%q) = %q, foldKey(%q) = %q, want equal", tt.a, ka, tt.b, kb)
		}
	}
	if ka, kb := foldKey(nil, "a"), foldKey(nil, "b"); bytes.Equal(ka, kb) {
		t.Errorf("foldKey(a) = foldKey(b) = %q", ka)
	}
}

// urlInTextRe is what findURL replaces.
var urlInTextRe = regexp.MustCompile(`<?(https?://[^\s<>"]+)>?`)

func checkFindURL(t *testing.T, s string) {
	start, us, ue, ok := findURL(s)
	m := urlInTextRe.FindStringSubmatchIndex(s)
	if ok != (m != nil) || ok && (start != m[0] || us != m[2] || ue != m[3]) {
		t.Errorf("findURL(%q) = %d, %d, %d, %v; the regexp finds %v", s, start, us, ue, ok, m)
	}
}

func TestFindURL(t *testing.T) {
	for _, s := range fixtureTexts(t) {
		checkFindURL(t, s)
	}
}

func FuzzFindURL(f *testing.F) {
	for _, s := range []string{"Accept: <https://x/y>.", "http://", "hhttps://a b", "<<http://a", "https:/x http://y"} {
		f.Add(s)
	}
	f.Fuzz(checkFindURL)
}

// normalizeSlow is normalize without its fast path.
func normalizeSlow(s string) string {
	return strings.Join(strings.FieldsFunc(invisible.Replace(s), unicode.IsSpace), " ")
}

func TestNormalizeFastPath(t *testing.T) {
	for _, s := range fixtureTexts(t) {
		if got, want := normalize(s), normalizeSlow(s); got != want {
			t.Errorf("normalize(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"a  b", " x", "y\t", "\u200bz", "ok text"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalize(s), normalizeSlow(s); got != want {
			t.Errorf("normalize(%q) = %q, want %q", s, got, want)
		}
	})
}

func FuzzPhrasePrefilter(f *testing.F) {
	for _, s := range []string{"3 \u212Aonnections in common", "Hi ſam, hello", "You’re now connected with X", "Jane è in attesa di una tua risposta"} {
		f.Add(s)
	}
	lists := []*phraseList{
		phrases().inviteSubjects, phrases().accepted, phrases().reminders, phrases().greetings, phrases().inviteLines,
		phrases().mutual, phrases().mutualOthers, phrases().mutualNamed, phrases().mutualOne, phrases().acceptFrom, phrases().viewProfile,
		phrases().intendedFor, phrases().requested, phrases().boilerplate, phrases().footers,
	}
	f.Fuzz(func(t *testing.T, s string) {
		key := foldKey(nil, s)
		for _, list := range lists {
			candidate := map[uint16]bool{}
			for _, i := range list.candidates(key) {
				candidate[i] = true
			}
			for i, p := range list.ps {
				if p.re.MatchString(s) && !p.mayMatch(key) {
					t.Errorf("prefilter %q of %s rejects %q, which it matches", p.needles, p.re, s)
				}
				if p.mayMatch(key) && !candidate[uint16(i)] {
					t.Errorf("the first-byte index leaves out %s for %q, which its prefilter admits", p.re, s)
				}
			}
		}
	})
}

func TestPhraseIndexRulesOut(t *testing.T) {
	// The index must actually narrow a class: no anchored footer starts
	// with "z".
	f := phrases().footers
	if n, all := len(f.candidates(foldKey(nil, "Zzz"))), len(f.ps); n >= all {
		t.Errorf("footers: %d of %d phrases are candidates for \"Zzz\"; want fewer", n, all)
	}
	if got := f.candidates(nil); len(got) != len(f.noFirst) {
		t.Errorf("candidates(empty key) = %v, want the phrases without a first byte %v", got, f.noFirst)
	}
}

func TestPhrasePrefixes(t *testing.T) {
	p := compilePhrase(`(?i)^(?:hi|hello|hey|dear)(?:\s+([^,]{1,60}))?,\s*(.*)$`)
	if len(p.prefixes) == 0 {
		t.Fatalf("no prefixes for the greeting pattern")
	}
	for _, s := range []string{"Hi Paul, x", "HELLO, y", "dear Ann, z"} {
		if !p.mayMatch(foldKey(nil, s)) {
			t.Errorf("greeting prefilter rejects %q", s)
		}
	}
	if p.mayMatch(foldKey(nil, "Say hi, Paul")) {
		t.Errorf("greeting prefilter accepts %q", "Say hi, Paul")
	}
}

func TestIsNormal(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"", true},
		{"Jane Doe", true},
		{"José Müller-Lüdenscheidt", true},
		{"李小龙 (Bruce)", true},
		{"Jane  Doe", false},
		{" Jane", false},
		{"Jane ", false},
		{"Jane\tDoe", false},
		{"Jane\u00a0Doe", false}, // NBSP
		{"Jane\u2009Doe", false}, // thin space
		{"Jane\u200bDoe", false}, // zero width space: invisible
		{"Jane\u00adDoe", false}, // soft hyphen: invisible
		{"Jane \u3000Doe", false},
		{"bad \xff byte", false},
	} {
		if got := isNormal(c.s); got != c.want {
			t.Errorf("isNormal(%q) = %v, want %v", c.s, got, c.want)
		}
		if got, want := normalize(c.s), normalizeSlow(c.s); got != want {
			t.Errorf("normalize(%q) = %q, want %q", c.s, got, want)
		}
	}
	// A name in another script that is already normal is not copied.
	name := strings.Repeat("Zoë Ørsted 王 ", 3) + "end"
	if n := testing.AllocsPerRun(100, func() { _ = normalize(name) }); n != 0 {
		t.Errorf("normalize(%q) allocates %v times, want 0", name, n)
	}
}

// unescapeTextRegexp is unescapeText as it was: the regexp oracle.
func unescapeTextRegexp(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return textEntity.ReplaceAllStringFunc(s, html.UnescapeString)
}

var unescapeCases = []string{
	"", "no reference", "AT&T and R&D", "O&#39;Brien", "&amp;&amp;", "a&amp;b&lt;c&gt;", "&copy; 2016 LinkedIn",
	"https://www.linkedin.com/comm/in/x?trk=a&amp;lipi=b&amp;midToken=c", "&#x2F;&#X2f;&#x;", "&#12345678;", "&#1234567;",
	"&#xABCDEF;&#x1234567;", "&a;", "&ab;", "&" + strings.Repeat("a", 32) + ";", "&" + strings.Repeat("a", 31) + ";",
	"&1abc;", "&&amp;", "&amp", "&#;", "& amp;", "&amp;&", "trailing &", "&nosuchname;", "&AMP;", "&#0;", "&#x110000;",
}

func TestUnescapeTextOracle(t *testing.T) {
	for _, s := range append(unescapeCases, fixtureTexts(t)...) {
		if got, want := unescapeText(s), unescapeTextRegexp(s); got != want {
			t.Errorf("unescapeText(%q) = %q, want %q", s, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = unescapeText("https://x.test/?a=1&b=2&c=3") }); n != 0 {
		t.Errorf("unescapeText of a line with no reference allocates %v times, want 0", n)
	}
}

func FuzzUnescapeText(f *testing.F) {
	for _, s := range unescapeCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := unescapeText(s), unescapeTextRegexp(s); got != want {
			t.Errorf("unescapeText(%q) = %q, want %q", s, got, want)
		}
	})
}

// textLinesSlow is textLines before it dropped the CR of CRLF lines
// itself: the oracle.
func textLinesSlow(s string) []line {
	var out []line
	for _, raw := range strings.Split(s, "\n") {
		raw = unescapeText(capLine(raw))
		start, us, ue, ok := findURL(raw)
		if !ok {
			out = append(out, line{text: normalize(raw)})
			continue
		}
		href := strings.TrimRight(raw[us:ue], ".,;)")
		if inner := unwrapLink(href); inner != href {
			href = unescapeText(inner)
		}
		label := normalize(raw[:start])
		label = strings.TrimSpace(strings.TrimRight(label, ":"))
		if label == "" && len(out) > 0 {
			prev := &out[len(out)-1]
			if prev.href == "" && prev.text != "" && isActionLabel(prev.text) {
				prev.href = href
				continue
			}
		}
		out = append(out, line{text: label, href: href})
	}
	return out
}

func checkTextLines(t *testing.T, s string) {
	t.Helper()
	if got, want := textLines(s), textLinesSlow(s); !slices.Equal(got, want) {
		t.Errorf("textLines(%q) = %+v, want %+v", s, got, want)
	}
}

func TestTextLinesCRLF(t *testing.T) {
	long := strings.Repeat("x", maxLineLen)
	cases := []string{"a\r\nb\r\n", "Accept: https://x.test/a?b=1&amp;c=2\r\n\r\nView profile\r\nhttps://y.test/\r\n",
		long + "\r\n", long + "\xff\r\nz", long[1:] + "\xff\r\n", "\r", "\r\r\n", "a \r\n b"}
	for _, f := range fixtureParts(t, fixtures(t)) {
		if f.err != nil || f.text == "" {
			continue
		}
		crlf := strings.ReplaceAll(strings.ReplaceAll(f.text, "\r\n", "\n"), "\n", "\r\n")
		cases = append(cases, f.text, crlf)
	}
	for _, s := range cases {
		checkTextLines(t, s)
	}
}

func FuzzTextLines(f *testing.F) {
	f.Add("a\r\nb\r\n")
	f.Add("Accept invitation\r\nhttps://x.test/?a=1&amp;b=2\r\n")
	f.Fuzz(checkTextLines)
}
