package reply

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
)

// Differential tests of Draft's fast paths against what they replace:
// renderBuiltin against executing defaultTemplate, hasNever against
// neverWord, and a Drafter on the built-in templates against the same
// Drafter made to execute them as it would a custom template.

// templateDrafter returns a Drafter with the built-in templates that
// renders them with text/template, as a custom template is.
func templateDrafter(t testing.TB) *Drafter {
	d, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.builtinSubject || !d.builtinBody {
		t.Fatal("New(Config{}) does not take the built-in fast path")
	}
	d.builtinSubject, d.builtinBody = false, false
	return d
}

// checkBuiltin checks renderBuiltin, hasNever and Draft on one
// invitation against their references.
func checkBuiltin(t *testing.T, fast, slow *Drafter, inv inbox.Invitation, dec policy.Decision) {
	t.Helper()
	data := dataFor(inv, dec)
	for _, first := range []string{data.FirstName, inv.FirstName, inv.Name, ""} {
		data.FirstName = first
		want, err := render(defaultTemplate, data)
		if err != nil {
			t.Fatalf("render(%+v): %v", data, err)
		}
		if got := renderBuiltin(data); got != want {
			t.Errorf("renderBuiltin(%+v) = %q, template %q", data, got, want)
		}
	}
	for _, s := range []string{inv.FirstName, inv.Name, inv.Note} {
		if got, want := hasNever(s), neverWord.MatchString(s); got != want {
			t.Errorf("hasNever(%q) = %v, neverWord %v", s, got, want)
		}
	}
	got, gok := fast.Draft(inv, dec)
	want, wok := slow.Draft(inv, dec)
	if got != want || gok != wok {
		t.Errorf("Draft(%+v) = %+v %v, with text/template %+v %v", inv, got, gok, want, wok)
	}
}

var edgeNames = []string{
	"", "Jane", "Never", "NEVER", "nEvEr", "Nevermore", "never-ending", "José", "Ünal", "x@example.com", "{{.Name}}",
	"Ana\x00", strings.Repeat("é", 41), strings.Repeat("a", 40), "\xff", "Kevin", "İlker", "Jo,", " ;Mo: ",
}

// TestDraftBuiltinEqualsTemplate checks that drafts with the built-in
// templates are byte for byte what text/template renders.
func TestDraftBuiltinEqualsTemplate(t *testing.T) {
	fast, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	slow := templateDrafter(t)
	for _, x := range benchDrafts {
		for _, v := range []policy.Verdict{policy.Clarify, policy.Accept} {
			dec := x.dec
			dec.Verdict = v
			checkBuiltin(t, fast, slow, x.inv, dec)
		}
		for _, name := range edgeNames {
			inv := x.inv
			inv.FirstName, inv.Name = name, name+" Smith"
			checkBuiltin(t, fast, slow, inv, x.dec)
		}
	}
}

// FuzzDraftBuiltin checks the built-in fast path against text/template
// on any first name, name and note.
func FuzzDraftBuiltin(f *testing.F) {
	for _, n := range edgeNames {
		f.Add(n, n+" Doe", "I was impressed by your profile, never mind", 2)
	}
	fast, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	slow := templateDrafter(f)
	f.Fuzz(func(t *testing.T, first, name, note string, class int) {
		inv := inbox.Invitation{FirstName: first, Name: name, Note: note}
		checkBuiltin(t, fast, slow, inv, clarify(policy.NoteClass(uint(class)%5), note))
	})
}

// TestNeverFoldsASCII checks the fact hasNever rests on: under (?i) no
// rune but its ASCII cases folds to n, e, v or r.
func TestNeverFoldsASCII(t *testing.T) {
	for _, c := range "never" {
		for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
			if f >= utf8.RuneSelf {
				t.Errorf("%q folds to %q under (?i): hasNever's ASCII search misses it", c, f)
			}
		}
	}
}
