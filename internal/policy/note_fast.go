package policy

import (
	"regexp"
	"slices"
	"strings"
)

// scoreFast scores text, prepared by noteText and plain for p, as
// scoreSlow does, running only the regexps whose condition holds, and
// those with lead literals only where one starts.
func scoreFast(p *notePrefilter, text string, me Me) noteScore {
	var s noteScore
	s.words = countFields(text)
	sc, _ := scratches.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	defer scratches.Put(sc)
	p.scanText(text, sc)
	padded := " " + text
	present, occs, starts := sc.present, sc.occs, &sc.starts
	var hits [4][]hit
	features := noteFeatures()
	for i := range features {
		ft, ff := &features[i], &p.features[i]
		if !ff.mayHold(present) {
			continue
		}
		n := 0
		for _, loc := range ff.findWords(ft.re, padded, occs, starts, 8) {
			m := text[loc[0]:loc[1]]
			if (ft.kind == offer && isSelfReport(m)) || (ft.unless != nil && ft.unless(text, loc[0], loc[1])) {
				continue
			}
			hits[ft.kind] = append(hits[ft.kind], hit{ft, loc[0], loc[1], m})
			if n++; n == 3 {
				break
			}
		}
	}
	tally(&hits, &s)
	// A claim needs a sentence that both regexps match, so both match
	// the note.
	if p.metric.mayHold(present) && p.senderVoice.mayHold(present) {
		p.claims(text, occs, &s)
	}
	meTerms(text, me, &s)
	german := p.german.mayHold(present) && len(p.german.findWords(germanWords(), padded, occs, starts, 3)) >= 3
	entitiesPlain(text, me, &s, german)
	return s
}

// findWords returns what findWords(re, text, n) does, for ff made from
// re, where padded is " " + text: with lead literals, it runs re only
// where one starts in occs, the lead literals that occur; starts is
// scratch space.
func (ff *fastFeature) findWords(re *regexp.Regexp, padded string, occs []occurrence, starts *[]int, n int) [][]int {
	if ff.lead == nil {
		return findWords(re, padded[1:], n)
	}
	*starts = (*starts)[:0]
	for _, o := range occs {
		if ff.lead.has(o.lit) {
			*starts = append(*starts, int(o.start))
		}
	}
	return ff.findWordsAt(padded, *starts, n)
}

// findWordsAt returns what findWords(re, text, n) does for the feature's
// regexp re, where padded is " " + text, given starts, every position in
// text where a lead literal starts (in any order, repeats allowed). It is
// FindAllStringIndex with the search for where a match starts done by the
// caller: a match of re starts where a lead literal does, and at each
// candidate in turn it runs re anchored there, with the byte before it
// (the space before the text) as context for \b, until it has n matches
// on Unicode word boundaries. Matches are never empty, so each next one
// starts at or after the previous end.
//
// The byte before a candidate is matched by (?s:.): an ASCII byte as
// itself, the last byte of a longer rune as an invalid one; for \b and
// \B both are what the rune before the candidate is, a word character
// or not. Patterns with lead literals have no other look-behind (see
// lookBehind).
func (ff *fastFeature) findWordsAt(padded string, starts []int, n int) [][]int {
	if len(starts) == 0 {
		return nil
	}
	slices.Sort(starts)
	text := padded[1:]
	re := ff.afterWord()
	var out [][]int
	pos := 0
	for _, q := range starts {
		if q < pos || len(out) == n {
			continue
		}
		end := matchEnd(re, padded[q:]) - 1
		if end < 0 {
			continue
		}
		loc := []int{q, q + end}
		pos = loc[1]
		if unicodeEdges(text, loc[0], loc[1]) {
			out = append(out, loc)
		}
	}
	return out
}

// matchEnd returns the end of re's match in s, or -1.
func matchEnd(re *regexp.Regexp, s string) int {
	loc := re.FindStringIndex(s)
	if loc == nil {
		return -1
	}
	return loc[1]
}

// claims is claims(text, s) for plain text: a sentence is tried only when
// both regexps have a lead literal starting in it.
func (p *notePrefilter) claims(text string, occs []occurrence, s *noteScore) {
	start := -1
	for i, r := range text {
		if !strings.ContainsRune(".!?\n;", r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && p.claim(text, start, i, occs, s) {
			return
		}
		start = -1
	}
	if start >= 0 {
		p.claim(text, start, len(text), occs, s)
	}
}

// claim adds text[start:end] as a claim if it is one, as claims does.
func (p *notePrefilter) claim(text string, start, end int, occs []occurrence, s *noteScore) bool {
	if !leadIn(p.metric.lead, occs, start, end) || !leadIn(p.senderVoice.lead, occs, start, end) {
		return false
	}
	sentence := text[start:end]
	if matchWords(metric(), sentence) && matchWords(senderVoice(), sentence) && !isSelfReport(sentence) {
		s.add(offer, 2, strings.TrimSpace(sentence))
		return true
	}
	return false
}

// leadIn reports whether one of lead starts in text[start:end]: where a
// regexp with those lead literals can match in it. Without lead literals
// it reports true.
func leadIn(lead litBits, occs []occurrence, start, end int) bool {
	if lead == nil {
		return true
	}
	for _, o := range occs {
		if int(o.start) >= start && int(o.start) < end && lead.has(o.lit) {
			return true
		}
	}
	return false
}
