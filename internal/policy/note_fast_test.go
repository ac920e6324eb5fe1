package policy

import (
	"flag"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/inbox"
)

// slowClassifyNote is ClassifyNote on the reference path: every feature
// whose lead literal occurs runs its regexp over the whole note.
func slowClassifyNote(note string, defaultNote bool, me Me) (NoteClass, string) {
	if strings.TrimSpace(strings.Map(dropInvisible, note)) == "" {
		return NoteNone, ""
	}
	if defaultNote || inbox.IsDefaultNote(note) {
		return NoteDefault, ""
	}
	s := scoreSlow(noteText(note), me)
	return s.decide()
}

// allNotes returns every note in testdata/*.tsv; the labels are not used.
func allNotes(t testing.TB) []string {
	files, err := filepath.Glob("testdata/*.tsv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no note files: %v", err)
	}
	var notes []string
	for _, file := range files {
		for _, n := range readNotes(t, file) {
			notes = append(notes, n.note)
		}
	}
	return notes
}

// tricky are notes on the edges of the fast path: runes whose lower case
// differs from their case folding or changes length, invalid UTF-8, words
// glued to non-ASCII letters, matches at the very start and end.
var tricky = []string{
	"We help companies like yours",
	"we help teams like yourſ grow. Book a demo: calendly.com/x",
	"poſts about your poſt, we'd love to ſhare our platform",
	"Ⱥ your post on Ⱥ, we help companies like yours",
	"İstanbul: your talk at GopherCon was great, we help İnvestors",
	"your post\xff about \xfe our platform",
	"xwe help companies, _we help companies, 9we help companies",
	"jesteśmy firmą, pomagamy firmom, oferujemy usługi",
	"your talk",
	"grow your revenue",
	"a.com b.io www.x https://y",
	"Sarah Kim suggested I reach out. Kelvin K: your KUBECON talk",
	"Hallo, ich würde mich freuen, für Sie und mit Ihnen das Netzwerk zu erweitern",
	"WE HELP COMPANIES LIKE YOURS. BOOK A DEMO. 50% OFF! $99 PER MONTH",
}

// TestScoreFastEqualsSlow checks that the fast path scores every corpus
// note exactly as the reference path does, with every [me] section.
func TestScoreFastEqualsSlow(t *testing.T) {
	notes := append(allNotes(t), tricky...)
	fast := 0
	for mi, me := range []Me{corpusMe, blindMe, {}} {
		for i, note := range notes {
			if raceEnabled && i%5 != 0 {
				continue // the race detector slows regexps tenfold
			}
			text := noteText(note)
			if mi == 0 && i < len(notes)-len(tricky) && notePrefilters().plainText(text) {
				fast++
			}
			if got, want := scoreNote(note, me), scoreSlow(text, me); got != want {
				t.Errorf("scoreNote(%q) = %+v, reference %+v", note, got, want)
			}
			if mi > 0 {
				continue // the class follows from the score
			}
			gc, ge := ClassifyNote(note, false, me)
			wc, we := slowClassifyNote(note, false, me)
			if gc != wc || ge != we {
				t.Errorf("ClassifyNote(%q) = %v %q, reference %v %q", note, gc, ge, wc, we)
			}
		}
	}
	if corpus := len(notes) - len(tricky); !raceEnabled && fast < corpus {
		t.Errorf("only %d of %d notes took the fast path", fast, corpus)
	}
}

// checkPrefilter checks on one note that the prefilter is safe for every
// feature: when its condition fails, the regexp does not match, and
// matching from lead literals finds what findWords does. It also checks
// the old lead literals the reference path uses.
func checkPrefilter(t *testing.T, note string) {
	t.Helper()
	p := notePrefilters()
	text := noteText(note)
	if !p.plainText(text) {
		return
	}
	lower := strings.ToLower(text)
	var sc, folded scratch
	p.scan(lower, &sc)
	present, occs := sc.present, sc.occs
	// scanText, which scans ASCII text as it is, finds the same.
	p.scanText(text, &folded)
	if !slices.Equal(folded.present, present) || !slices.Equal(folded.occs, occs) {
		t.Errorf("scanText(%q) differs from scan of its lower case", note)
	}
	for i := range noteFeatures() {
		ft, ff := &noteFeatures()[i], &p.features[i]
		// need only rejects texts the condition rejects.
		if ff.cond.holds(present) && !ff.mayHold(present) {
			t.Errorf("feature %s: need rejects %q but its condition holds", ft.re, note)
		}
		all := ft.re.FindAllStringIndex(text, -1)
		matches := len(all) > 0
		var want [][]int
		for _, loc := range all {
			if len(want) < 8 && unicodeEdges(text, loc[0], loc[1]) {
				want = append(want, loc) // as findWords(ft.re, text, 8)
			}
		}
		if !ff.cond.holds(present) && matches {
			t.Errorf("feature %s: condition fails on %q but the regexp matches it", ft.re, note)
		}
		if !ft.mayMatch(lower) && matches {
			t.Errorf("feature %s: lead literals miss %q but the regexp matches it", ft.re, note)
		}
		if ff.lead == nil {
			continue
		}
		var starts []int
		for _, o := range occs {
			if ff.lead.has(o.lit) {
				starts = append(starts, int(o.start))
			}
		}
		if got := ff.findWordsAt(" "+text, starts, 8); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("feature %s on %q: findWordsAt = %v, findWords = %v", ft.re, note, got, want)
		}
	}
}

// TestPrefilterIsSafe checks the prefilters on every corpus note.
func TestPrefilterIsSafe(t *testing.T) {
	filtered, led := 0, 0
	p := notePrefilters()
	for i, ft := range noteFeatures() {
		if ft.lead != nil {
			filtered++
		}
		if p.features[i].lead != nil {
			led++
		}
		if p.features[i].cond.op == condTrue {
			t.Errorf("feature %s has no condition", ft.re)
		}
	}
	if filtered < len(noteFeatures())/2 || led < len(noteFeatures())/2 {
		t.Errorf("of %d features %d have lead literals, %d start literals", len(noteFeatures()), filtered, led)
	}
	for i, note := range append(allNotes(t), tricky...) {
		if raceEnabled && i%5 != 0 {
			continue
		}
		checkPrefilter(t, note)
	}
}

// TestOddRunes checks that the notes the prefilter cannot judge take the
// reference path.
func TestOddRunes(t *testing.T) {
	p := notePrefilters()
	for _, tt := range []struct {
		text  string
		plain bool
	}{
		{"your post", true},
		{"Your Post, Kelvin", true},
		{"your poſt", false}, // ſ matches (?i)s, lower-cases to itself
		{"your post \xff", false},
		{"Ⱥ", false}, // lower case is longer
		{"jesteśmy, équipe, für", true},
	} {
		if got := p.plainText(tt.text); got != tt.plain {
			t.Errorf("plainText(%q) = %v, want %v", tt.text, got, tt.plain)
		}
	}
}

// FuzzClassifyNoteFastEqualsSlow checks that the fast path classifies
// any note as the reference path does, and that the prefilters are safe.
func FuzzClassifyNoteFastEqualsSlow(f *testing.F) {
	// The corpus seeds the fuzzer; without -fuzz, TestScoreFastEqualsSlow
	// and TestPrefilterIsSafe already check it.
	if fz := flag.Lookup("test.fuzz"); fz != nil && fz.Value.String() != "" {
		for _, n := range allNotes(f) {
			f.Add(n)
		}
	}
	for _, n := range tricky {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, note string) {
		text := noteText(note)
		if got, want := scoreNote(note, corpusMe), scoreSlow(text, corpusMe); got != want {
			t.Fatalf("scoreNote(%q) = %+v, reference %+v", note, got, want)
		}
		gc, ge := ClassifyNote(note, false, corpusMe)
		wc, we := slowClassifyNote(note, false, corpusMe)
		if gc != wc || ge != we {
			t.Fatalf("ClassifyNote(%q) = %v %q, reference %v %q", note, gc, ge, wc, we)
		}
		checkPrefilter(t, note)
	})
}

// BenchmarkClassifyNoteSlow is BenchmarkClassifyNote on the reference
// path, for comparison.
func BenchmarkClassifyNoteSlow(b *testing.B) {
	var notes []labelledNote
	for _, file := range corpusFiles {
		notes = append(notes, readNotes(b, file)...)
	}
	for i := 0; b.Loop(); i++ {
		slowClassifyNote(notes[i%len(notes)].note, false, corpusMe)
	}
}

// BenchmarkBuildPrefilter builds the prefilter from scratch, the cost of
// the first ClassifyNote call beyond compiling the features (and, later,
// each feature's anchored regexp on its first use). It reports the heap
// the prefilter keeps as B-kept.
func BenchmarkBuildPrefilter(b *testing.B) {
	noteFeatures()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p := newNotePrefilter()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(p)
	b.ReportAllocs()
	for b.Loop() {
		newNotePrefilter()
	}
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "B-kept")
}
