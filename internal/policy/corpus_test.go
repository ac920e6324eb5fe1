package policy

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// corpusMe is the recipient the notes in testdata/notes*.tsv were written to.
var corpusMe = Me{
	Name:      "Paul Marsh",
	Email:     "paul@northwind.example",
	Role:      "Staff Engineer",
	Companies: []string{"Northwind Analytics"},
	Schools:   []string{"University of Leeds"},
	Topics:    []string{"Go", "observability", "OpenTelemetry", "distributed tracing"},
	Locations: []string{"Leeds"},
}

type labelledNote struct {
	file  string
	line  int
	class string
	note  string
}

func readNotes(t testing.TB, path string) []labelledNote {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var notes []labelledNote
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		class, note, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s:%d: no tab", path, n)
		}
		notes = append(notes, labelledNote{file: path, line: n, class: class, note: strings.ReplaceAll(note, `\n`, "\n")})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return notes
}

// corpusFloor is the accuracy on all of testdata/notes*.tsv. It was 100%
// (183/183) after tuning; the notes scored 78% and 76.7% when each later
// round was first seen (see the files' headers), which is what to expect
// on notes nobody has seen.
const corpusFloor = 0.97

// Floors for the blind set (testdata/notes_blind.tsv). Untuned, the
// classifier scored 110/120 (odd half 53/60, even half 57/60); after the
// feature families were added (tuned on the odd half only) it scored
// 120/120, and each floor allows about three misses. Of the even half's
// three fixes, all came from families written after their errors had been
// seen in a test log, so the honest held-out gain is nil: the even half
// shows no regression, not an improvement.
const (
	blindFloor     = 0.975
	blindOddFloor  = 0.95
	blindEvenFloor = 0.95
)

func TestClassifyNoteCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/notes*.tsv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	// The blind sets have their own tests, their own [me] and floors.
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasPrefix(filepath.Base(f), "notes_blind") })
	right, total := 0, 0
	classes := map[string]int{}
	for _, file := range files {
		fr := 0
		notes := readNotes(t, file)
		for _, n := range notes {
			classes[n.class]++
			got, ev := ClassifyNote(n.note, false, corpusMe)
			if got.String() == n.class {
				fr++
			} else {
				t.Logf("%s:%d: ClassifyNote(%q) = %v (%q), want %s", n.file, n.line, n.note, got, ev, n.class)
			}
		}
		t.Logf("%s: %d/%d", file, fr, len(notes))
		right += fr
		total += len(notes)
	}
	if total < 80 {
		t.Fatalf("corpus has %d notes, want at least 80", total)
	}
	for _, c := range []string{"default", "generic", "personalised", "pitch"} {
		if classes[c] < 4 {
			t.Errorf("corpus has %d %s notes, want several", classes[c], c)
		}
	}
	acc := float64(right) / float64(total)
	t.Logf("whole corpus: %d/%d = %.1f%%", right, total, 100*acc)
	if acc < corpusFloor {
		t.Errorf("accuracy on testdata/notes*.tsv = %.1f%%, want >= %.1f%%", 100*acc, 100*corpusFloor)
	}
}

// blindMe is the [me] section of config.example.toml, to which the notes in
// testdata/notes_blind.tsv were written.
var blindMe = Me{
	Name:      "Paul Marsh",
	Email:     "paul@example.com",
	Role:      "Staff Engineer",
	Companies: []string{"Northwind Analytics"},
	Schools:   []string{"University of Leeds"},
	Topics:    []string{"Go", "observability", "OpenTelemetry"},
	Locations: []string{"Leeds", "Manchester"},
}

// confusion counts ClassifyNote's answers on notes: m[want][got].
type confusion map[string]map[string]int

func (m confusion) add(want, got string) {
	if m[want] == nil {
		m[want] = map[string]int{}
	}
	m[want][got]++
}

func (m confusion) accuracy() (right, total int) {
	for want, row := range m {
		for got, n := range row {
			total += n
			if got == want {
				right += n
			}
		}
	}
	return right, total
}

func (m confusion) String() string {
	var b strings.Builder
	b.WriteString("want\\got      ")
	for _, c := range noteClassNames {
		b.WriteString(fmt.Sprintf("%13s", c))
	}
	b.WriteString("\n")
	for _, want := range noteClassNames {
		b.WriteString(fmt.Sprintf("%-14s", want))
		for _, got := range noteClassNames {
			b.WriteString(fmt.Sprintf("%13d", m[want][got]))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestClassifyNoteBlind scores the blind set: notes written before their
// author read the classifier. Odd records (1st, 3rd, ...) were used to tune
// it; even records were held out, so the even half is the honest estimate.
func TestClassifyNoteBlind(t *testing.T) {
	notes := readNotes(t, "testdata/notes_blind.tsv")
	if len(notes) != 120 {
		t.Fatalf("blind set has %d notes, want 120", len(notes))
	}
	all, odd, even := confusion{}, confusion{}, confusion{}
	for i, n := range notes {
		got, ev := ClassifyNote(n.note, false, blindMe)
		all.add(n.class, got.String())
		half := "odd"
		if i%2 == 0 {
			odd.add(n.class, got.String())
		} else {
			even.add(n.class, got.String())
			half = "even"
		}
		if got.String() != n.class {
			t.Logf("%s:%d (%s): ClassifyNote(%q) = %v (%q), want %s", n.file, n.line, half, n.note, got, ev, n.class)
		}
	}
	for _, h := range []struct {
		name  string
		m     confusion
		floor float64
	}{{"all", all, blindFloor}, {"odd (tuning)", odd, blindOddFloor}, {"even (held out)", even, blindEvenFloor}} {
		right, total := h.m.accuracy()
		acc := float64(right) / float64(total)
		t.Logf("blind %s: %d/%d = %.1f%%\n%s", h.name, right, total, 100*acc, h.m)
		if acc < h.floor {
			t.Errorf("accuracy on blind %s = %.1f%%, want >= %.1f%%\n%s", h.name, 100*acc, 100*h.floor, h.m)
		}
	}
}
