package policy

import (
	"bufio"
	"os"
	"path/filepath"
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

func TestClassifyNoteCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/notes*.tsv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
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
