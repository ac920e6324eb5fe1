package policy

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
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

// noteSet is a labelled note collection and what ClassifyNote must score on
// it. Every floor was set from a measurement; the comment on each set says
// which, and whether the set has since been used for tuning. Never raise a
// score by editing a set's labels.
type noteSet struct {
	name  string   // subtest name
	files []string // class<TAB>note files, scored together
	me    Me       // the recipient the notes were written to

	count    int // exact number of notes, if not 0
	minCount int // least number of notes, if not 0
	// minPerClass, if not 0, is the least number of notes of each class
	// but none, so that no class is measured on a handful of notes.
	minPerClass int

	floor float64 // least accuracy on the whole set
	// oddFloor and evenFloor, if not 0, are the least accuracy on the odd
	// records (1st, 3rd, ... in file order: the tuning half) and the even
	// records (the held-out half).
	oddFloor, evenFloor float64

	provenance string // said with every failed floor
}

var noteSets = []noteSet{
	// The tuning corpus. It was 100% (183/183) after tuning; the notes
	// scored 78% and 76.7% when each later round was first seen (see the
	// files' headers), which is what to expect on notes nobody has seen.
	{
		name:        "corpus",
		files:       []string{"testdata/notes.tsv", "testdata/notes_round2.tsv", "testdata/notes_round3.tsv"},
		me:          corpusMe,
		minCount:    80,
		minPerClass: 4,
		floor:       0.97,
		provenance:  "tuning data: rounds 2 and 3 scored 78% and 76.7% when first seen",
	},
	// Blind set 1: notes written before their author read the classifier.
	// Untuned, the classifier scored 110/120 = 91.7% (odd half 53/60, even
	// half 57/60); after the feature families were added (tuned on the odd
	// half only) it scored 120/120, and each floor allows about three
	// misses. Of the even half's three fixes, all came from families
	// written after their errors had been seen in a test log, so the honest
	// held-out gain is nil: the even half shows no regression, not an
	// improvement.
	{
		name:       "blind",
		files:      []string{"testdata/notes_blind.tsv"},
		me:         blindMe,
		count:      120,
		floor:      0.975,
		oddFloor:   0.95,
		evenFloor:  0.95,
		provenance: "written blind, first score 110/120 = 91.7%; odd half since used for tuning",
	},
	// Blind set 2, no longer blind. Its first, blind measurement was 90/100
	// (and the floor was that minus 3 points). The classifier was then
	// tuned after its ten misses had been read, with general features
	// rather than the set's phrases (Unicode word boundaries, e-mail
	// addresses not links, overlapping patterns counted once, the sender's
	// product plus a call to action as a pitch, and the wording families
	// listed in note_test.go's TestClassifyNoteStructure), and scored
	// 100/100. The floor is that minus 2 points: a regression check, not an
	// estimate of accuracy on unseen notes, for which the 90% first score
	// remains the honest figure.
	{
		name:  "blind2",
		files: []string{"testdata/notes_blind2.tsv"},
		me: Me{
			Name:      "Paul Marsh",
			Role:      "Staff Engineer",
			Companies: []string{"Northwind Analytics"},
			Schools:   []string{"University of Leeds"},
			Topics:    []string{"Go", "observability", "OpenTelemetry"},
			Locations: []string{"Leeds", "Manchester"},
		},
		minCount:   100,
		floor:      0.98,
		provenance: "written blind, first score 90/100 = 90%; since used for tuning (100/100 after)",
	},
	// Blind set 3: held out, written without reading the classifier, and
	// NOT to be tuned on. Its first run scored 91/100 = 91% (2026-11-23);
	// the floor is that minus 3 points. It guards against regressions; it
	// is not a target to tune the classifier or the labels towards.
	{
		name:  "blind3",
		files: []string{"testdata/blind3.tsv"},
		me: Me{
			Name:      "Dana Okafor",
			Role:      "Head of Data Engineering",
			Companies: []string{"Brightline Logistics"},
			Schools:   []string{"University of Edinburgh"},
			Topics:    []string{"dbt", "data contracts", "Snowflake"},
			Locations: []string{"Edinburgh", "Glasgow"},
		},
		count:      100,
		floor:      0.88,
		provenance: "held out, never tuned on: first score 91/100 = 91%",
	},
	// Blind set 4: held out like blind3, written on 2026-12-07 without
	// reading the classifier, to another recipient (a sales VP at a
	// payments company), with deliberate hard cases (pitches dressed as
	// compliments, partnership offers, vague and specific recruiters) and
	// notes in four other languages. Its first run scored 83/100 = 83%.
	// Two misses were LinkedIn's stock text signed "- Name", which the
	// stock-text check then learnt (inbox.IsDefaultNote: 85/100, and 92
	// on blind3). The other misses are mostly where labels differ from
	// the earlier sets' (the recipient's company or topic named with no
	// other reason: personalised there, generic here); making those
	// generic cost 7-8 points on every other set, so the classifier was
	// left as it was. The floor is the first score minus 3 points.
	{
		name:  "blind4",
		files: []string{"testdata/blind4.tsv"},
		me: Me{
			Name:      "Priya Raman",
			Role:      "VP of Sales",
			Companies: []string{"Kestrel Payments"},
			Schools:   []string{"University of Manchester"},
			Topics:    []string{"B2B sales", "payments", "revenue operations", "fintech partnerships"},
			Locations: []string{"Manchester", "London"},
		},
		count:      100,
		floor:      0.80,
		provenance: "held out: first score 83/100 = 83%; only signed stock texts fixed since",
	},
	// Blind set 5, no longer blind. Written on 2026-12-08 to a tech lead
	// (160 notes, 50 of them in German, French, Spanish, Portuguese,
	// Italian and Dutch) by a session that had read nothing of the
	// classifier but about 20 lines of note.go's reference and vague
	// patterns glimpsed on screen. Its first, nearly blind measurement was
	// 144/160 = 90.0% (non-English notes 42/50). The classifier was then
	// tuned after its sixteen misses had been read, with general families
	// in every language rather than the set's phrases (the other
	// languages' sales wording, referrals, English sales gaps, guards on
	// "don't miss" and "happy to send a fix", wider references to the
	// recipient's work, stock text after a bare name, a bare domain named
	// as an employer; see note_test.go), and scored 156/160 = 97.5%. The
	// four left are two recruiters whose labels are debatable and two
	// French and Dutch stock texts whose wording nobody could verify. The
	// same changes moved held-out blind3 from 92 to 93 and no other set.
	// The floor is the tuned score minus 2 points: a regression check, not
	// an estimate of accuracy on unseen notes, for which the 90% first
	// score remains the honest figure.
	{
		name:  "blind5",
		files: []string{"testdata/blind5.tsv"},
		me: Me{
			Name:      "Paul Hammant",
			Role:      "Tech Lead",
			Companies: []string{"Acme Analytics", "ThoughtWorks"},
			Topics:    []string{"continuous delivery", "trunk-based development", "Go"},
			Locations: []string{"London"},
		},
		count:      160,
		floor:      0.955,
		provenance: "written nearly blind, first score 144/160 = 90.0%; since used for tuning (156/160 after)",
	},
}

// labelledNote is one line of a class<TAB>note file.
type labelledNote struct {
	file string
	line int
	want NoteClass
	note string
}

// readNotes reads a class<TAB>note file; blank lines and lines starting
// with # are skipped, and \n in a note stands for a line break. Every class
// must be a known one and every note fit LinkedIn's 300 characters.
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
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		class, note, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s:%d: want class<TAB>note, got %q", path, n, line)
		}
		var want NoteClass
		if err := want.UnmarshalText([]byte(class)); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		note = strings.ReplaceAll(note, `\n`, "\n")
		if c := utf8.RuneCountInString(note); c > 300 {
			t.Fatalf("%s:%d: note is %d characters, LinkedIn allows 300", path, n, c)
		}
		notes = append(notes, labelledNote{file: path, line: n, want: want, note: note})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return notes
}

// confusion counts ClassifyNote's answers: m[want][got].
type confusion [len(noteClassNames)][len(noteClassNames)]int

func (m *confusion) accuracy() (right, total int) {
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

func (m *confusion) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-14s", `want\got`)
	for _, c := range noteClassNames {
		fmt.Fprintf(&b, "%13s", c)
	}
	b.WriteByte('\n')
	for want, row := range m {
		fmt.Fprintf(&b, "%-14s", noteClassNames[want])
		for _, n := range row {
			fmt.Fprintf(&b, "%13d", n)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// checkFloor logs m's accuracy and matrix, and fails t if the accuracy is
// below floor.
func checkFloor(t *testing.T, what string, m *confusion, floor float64, provenance string) {
	t.Helper()
	right, total := m.accuracy()
	if total == 0 {
		t.Fatalf("%s: no notes scored", what)
	}
	acc := float64(right) / float64(total)
	t.Logf("%s: %d/%d = %.1f%% (floor %.1f%%)\n%s", what, right, total, 100*acc, 100*floor, m)
	if acc < floor {
		t.Errorf("ClassifyNote accuracy on %s = %.1f%%, want >= %.1f%% (%s)\n%s", what, 100*acc, 100*floor, provenance, m)
	}
}

// TestClassifyNoteSets scores ClassifyNote on every labelled note set, logs
// each set's confusion matrix and every miss (run with -v to see them), and
// fails when a set's accuracy drops below its floor.
func TestClassifyNoteSets(t *testing.T) {
	// A labelled file that no set lists would go unmeasured.
	files, err := filepath.Glob("testdata/*.tsv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no note sets in testdata: %v", err)
	}
	listed := map[string]int{}
	for _, set := range noteSets {
		for _, f := range set.files {
			listed[f]++
			if !slices.Contains(files, f) {
				t.Errorf("note set %s lists %s, which is not in testdata", set.name, f)
			}
		}
	}
	for _, f := range files {
		if listed[f] != 1 {
			t.Errorf("%s is in %d note sets, want 1", f, listed[f])
		}
	}

	for _, set := range noteSets {
		t.Run(set.name, func(t *testing.T) {
			var all, odd, even confusion
			perClass := map[NoteClass]int{}
			total := 0
			for _, file := range set.files {
				notes := readNotes(t, file)
				var fm confusion
				for _, n := range notes {
					got, ev := ClassifyNote(n.note, false, set.me)
					if got < 0 || int(got) >= len(noteClassNames) {
						t.Fatalf("%s:%d: ClassifyNote(%q) = %v, not a known class", n.file, n.line, n.note, got)
					}
					half := &odd
					if total%2 == 1 {
						half = &even
					}
					total++
					perClass[n.want]++
					fm[n.want][got]++
					all[n.want][got]++
					half[n.want][got]++
					if got != n.want {
						t.Logf("%s:%d: ClassifyNote(%q) = %v (%q), want %v", n.file, n.line, n.note, got, ev, n.want)
					}
				}
				if len(set.files) > 1 {
					right, n := fm.accuracy()
					t.Logf("%s: %d/%d", file, right, n)
				}
			}

			if set.count != 0 && total != set.count {
				t.Fatalf("%s holds %d notes, want %d", set.name, total, set.count)
			}
			if total < set.minCount {
				t.Fatalf("%s holds %d notes, want at least %d", set.name, total, set.minCount)
			}
			if set.minPerClass != 0 {
				for c := NoteDefault; c <= NotePitch; c++ {
					if perClass[c] < set.minPerClass {
						t.Errorf("%s has %d %v notes, want at least %d", set.name, perClass[c], c, set.minPerClass)
					}
				}
			}

			checkFloor(t, set.name, &all, set.floor, set.provenance)
			if set.oddFloor != 0 {
				checkFloor(t, set.name+" odd records (tuning)", &odd, set.oddFloor, set.provenance)
			}
			if set.evenFloor != 0 {
				checkFloor(t, set.name+" even records (held out)", &even, set.evenFloor, set.provenance)
			}
		})
	}
}
