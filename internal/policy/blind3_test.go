package policy_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/policy"
)

// blind3MinAccuracy is the accuracy ClassifyNote reached on testdata/blind3.tsv
// the first time it was run (a held-out set written without reading the
// classifier), minus 3 points. It guards against regressions; it is not a
// target to tune the classifier or the labels towards.
const blind3MinAccuracy = 0.88 // measured 0.91 (91/100) on 2026-11-23

// blind3Me is the [me] section the blind3 notes were written against.
var blind3Me = policy.Me{
	Name:      "Dana Okafor",
	Role:      "Head of Data Engineering",
	Companies: []string{"Brightline Logistics"},
	Schools:   []string{"University of Edinburgh"},
	Topics:    []string{"dbt", "data contracts", "Snowflake"},
	Locations: []string{"Edinburgh", "Glasgow"},
}

type blind3Case struct {
	line int
	want policy.NoteClass
	note string
}

// readBlind3 reads class<TAB>note lines; lines starting with # are comments.
func readBlind3(t *testing.T, path string) []blind3Case {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []blind3Case
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		class, note, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s:%d: no tab between class and note", path, n)
		}
		var want policy.NoteClass
		if err := want.UnmarshalText([]byte(class)); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		cases = append(cases, blind3Case{line: n, want: want, note: note})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestClassifyNoteBlind3 measures ClassifyNote on a held-out set of 100
// notes and logs the confusion matrix and every miss.
func TestClassifyNoteBlind3(t *testing.T) {
	const path = "testdata/blind3.tsv"
	cases := readBlind3(t, path)
	if len(cases) != 100 {
		t.Fatalf("%s holds %d notes, want 100", path, len(cases))
	}

	classes := []policy.NoteClass{policy.NoteNone, policy.NoteDefault, policy.NoteGeneric, policy.NotePersonalised, policy.NotePitch}
	var matrix [5][5]int // [want][got]
	var misses []string
	correct := 0
	for _, c := range cases {
		got, evidence := policy.ClassifyNote(c.note, false, blind3Me)
		if got < 0 || int(got) >= len(classes) {
			t.Fatalf("line %d: ClassifyNote(%q) = %v, not a known class", c.line, c.note, got)
		}
		matrix[c.want][got]++
		if got == c.want {
			correct++
			continue
		}
		misses = append(misses, fmt.Sprintf("line %d: ClassifyNote(%q) = %v (%s), want %v", c.line, c.note, got, evidence, c.want))
	}

	var b strings.Builder
	fmt.Fprintf(&b, "confusion matrix (rows: want, columns: got)\n%-13s", "")
	for _, g := range classes {
		fmt.Fprintf(&b, "%13s", g)
	}
	b.WriteString("\n")
	for _, w := range classes {
		fmt.Fprintf(&b, "%-13s", w)
		for _, g := range classes {
			fmt.Fprintf(&b, "%13d", matrix[w][g])
		}
		b.WriteString("\n")
	}
	t.Log(b.String())
	for _, m := range misses {
		t.Log(m)
	}

	acc := float64(correct) / float64(len(cases))
	t.Logf("accuracy %d/%d = %.2f", correct, len(cases), acc)
	if acc < blind3MinAccuracy {
		t.Errorf("ClassifyNote accuracy on %s = %.2f, want >= %.2f", path, acc, blind3MinAccuracy)
	}
}
