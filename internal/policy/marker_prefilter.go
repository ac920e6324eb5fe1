package policy

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// The LION markers are user regexps searched in every inviter's name and
// headline. Profiled on a sweep of 2,212 invitations, (*Policy).lion took
// about 10 µs of the 36 µs Decide spent per invitation, nearly all of it
// in the backtracker running the joined markers at every position of
// headlines that hold no marker at all. markerFilter applies the note
// classifier's literal prefilter (see note_prefilter.go) to the markers:
// each marker gets a condition over lower-case literals that every text it
// matches satisfies, one Aho-Corasick pass over the lower-cased text finds
// the literals present, and only the markers whose condition holds run.
// A marker whose condition fails cannot match, so marker returns what
// markerSlow, the reference and oracle (TestMarkerFastEqualsSlow,
// FuzzMarker), returns.

// markerFilter holds the conditions of a policy's LION markers.
type markerFilter struct {
	conds []cond // by index in Policy.markers
	ac    *acMatcher
	// odd are the runes that a case-insensitive literal of a marker
	// matches but that do not lower-case to its lower case (the long s
	// "ſ" for "s"); a text holding one takes the reference path.
	odd      map[rune]bool
	oddASCII [utf8.RuneSelf]bool
	// foldClass is ac.foldASCII(), to scan ASCII text without
	// lower-casing it first.
	foldClass *[256]uint8
}

// newMarkerFilter returns the filter of markers, compiled from patterns,
// or nil when one cannot be built (then every marker runs).
func newMarkerFilter(markers []*regexp.Regexp) *markerFilter {
	if len(markers) == 0 {
		return nil
	}
	var ls literalSet
	f := &markerFilter{}
	for _, re := range markers {
		tree, err := syntax.Parse(re.String(), syntax.Perl)
		if err != nil {
			return nil // re compiled from the same pattern: cannot happen
		}
		clear(ls.memo)
		ls.infos = ls.infos[:0]
		f.conds = append(f.conds, ls.condOf(tree))
	}
	if !fewByteClasses(ls.lits) {
		return nil
	}
	f.ac = newACMatcher(ls.lits)
	f.odd = oddRunes(ls.foldRunes)
	for r := range f.odd {
		if r < utf8.RuneSelf {
			f.oddASCII[r] = true
		}
	}
	f.foldClass = f.ac.foldASCII()
	return f
}

// fewByteClasses reports whether lits use few enough distinct bytes for
// newACMatcher, which gives each its own class (at most 255 and class 0)
// and panics beyond. Literals taken from regexps are valid UTF-8, which
// uses at most 243 byte values, so this is a guard, not a limit met.
func fewByteClasses(lits []string) bool {
	var seen [256]bool
	n := 0
	for _, x := range lits {
		for i := 0; i < len(x); i++ {
			if !seen[x[i]] {
				seen[x[i]] = true
				n++
			}
		}
	}
	return n < 256
}

// markerText says how text can be scanned: ascii when it is all ASCII
// (scanned with foldClass), ok when it holds no odd rune and is valid
// UTF-8 (scanned lower-cased); !ok texts take the reference path.
func (f *markerFilter) markerText(text string) (ascii, ok bool) {
	ascii = true
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			if f.oddASCII[b] {
				return false, false
			}
			i++
			continue
		}
		ascii = false
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && n == 1 || f.odd[r] {
			return false, false
		}
		i += n
	}
	return ascii, true
}

// present sets in set the bit of every literal that occurs in the lower
// case of text, scanned with class, the automaton's byte classes: scan
// without occurrences.
func (m *acMatcher) present(text string, class *[256]uint8, set []uint64) {
	m.scan(text, class, set, nil, nil)
}

// marker returns the match in text of the first marker that matches it,
// or "", as markerSlow does, running only the markers whose condition
// holds.
func (p *Policy) marker(text string) string {
	f := p.markerFilter
	if f == nil {
		return p.markerSlow(text)
	}
	ascii, ok := f.markerText(text)
	if !ok {
		return p.markerSlow(text)
	}
	var small [4]uint64
	set := small[:]
	if n := f.ac.words(); n > len(small) {
		set = make([]uint64, n)
	}
	if ascii {
		f.ac.present(text, f.foldClass, set)
	} else {
		f.ac.present(strings.ToLower(text), &f.ac.class, set)
	}
	for i, re := range p.markers {
		if !f.conds[i].holds(set) {
			continue
		}
		if m := re.FindString(text); m != "" {
			return m
		}
	}
	return ""
}
