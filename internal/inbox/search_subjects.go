package inbox

import (
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// minSubjectLiteral is the shortest literal worth searching for: shorter
// ones ("hai un") would match much ordinary mail.
const minSubjectLiteral = 10

// SearchSubjects returns substrings of the invitation and reminder
// subjects of every language the parser knows, for IMAP SEARCH SUBJECT
// (a case-insensitive substring match): one per subject pattern, the
// longest run of literal text the pattern requires, lower case and
// trimmed of spaces and punctuation. They are plain ASCII where the
// pattern allows it, so the search needs no CHARSET, which some servers
// refuse. Substrings already covered by a shorter one in the list are left
// out. The result is sorted; the caller may keep it.
//
// A message matching one of them is only a candidate: Parse decides what
// it is.
func SearchSubjects() []string {
	subjectsOnce.Do(func() {
		var pats []string
		for _, l := range locales {
			pats = append(pats, l.inviteSubjects...)
		}
		subjectsCache = subjectLiterals(pats)
	})
	return slices.Clone(subjectsCache)
}

var (
	subjectsOnce  sync.Once
	subjectsCache []string
)

// subjectLiterals turns subject patterns into the distinct substrings to
// search for.
func subjectLiterals(patterns []string) []string {
	var all []string
	for _, p := range patterns {
		re, err := syntax.Parse(p, syntax.Perl|syntax.FoldCase)
		if err != nil {
			continue // the parser's own compile panics first; nothing to search for
		}
		all = append(all, requiredLiterals(re.Simplify())...)
	}
	// Keep the shortest strings: anything containing one of them matches
	// no more than it does.
	slices.SortFunc(all, func(a, b string) int {
		if d := len(a) - len(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	var out []string
	for _, s := range all {
		if !slices.ContainsFunc(out, func(k string) bool { return strings.Contains(s, k) }) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// requiredLiterals returns a set of strings one of which every match of re
// contains: the best run of consecutive literal text of the top-level
// concatenation, with small alternations such as (?:è|e') expanded.
func requiredLiterals(re *syntax.Regexp) []string {
	nodes := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		nodes = re.Sub
	}
	var best []string
	run := []string{""}
	finish := func() {
		cand := searchable(run)
		if score(cand) > score(best) {
			best = cand
		}
		run = []string{""}
	}
	for _, n := range nodes {
		alts, ok := literalAlternatives(n)
		if !ok || len(alts)*len(run) > 4 {
			finish()
			if !ok {
				continue
			}
		}
		var next []string
		for _, r := range run {
			for _, a := range alts {
				next = append(next, r+a)
			}
		}
		run = next
	}
	finish()
	return best
}

// literalAlternatives returns the strings n matches when it matches only
// a few fixed strings.
func literalAlternatives(n *syntax.Regexp) ([]string, bool) {
	switch n.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(n.Rune))}, true
	case syntax.OpCapture:
		return literalAlternatives(n.Sub[0])
	case syntax.OpCharClass:
		// A class such as [eè] or ['’]: pairs of lo-hi ranges.
		var out []string
		for i := 0; i+1 < len(n.Rune); i += 2 {
			for r := n.Rune[i]; r <= n.Rune[i+1]; r++ {
				out = append(out, strings.ToLower(string(r)))
				if len(out) > 4 {
					return nil, false
				}
			}
		}
		return dedupe(out), len(out) > 0
	case syntax.OpAlternate:
		var out []string
		for _, s := range n.Sub {
			alts, ok := literalAlternatives(s)
			if !ok {
				return nil, false
			}
			out = append(out, alts...)
		}
		return dedupe(out), len(out) <= 4
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range n.Sub {
			alts, ok := literalAlternatives(s)
			if !ok || len(out)*len(alts) > 4 {
				return nil, false
			}
			var next []string
			for _, o := range out {
				for _, a := range alts {
					next = append(next, o+a)
				}
			}
			out = next
		}
		return out, true
	}
	return nil, false
}

func dedupe(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}

// searchable trims a run of alternatives to what is worth sending: each
// trimmed of spaces and punctuation at the ends, and, when the run holds
// non-ASCII text, its longest ASCII stretch cut to whole words, if that is
// long enough. It returns nil when any alternative ends up too short.
func searchable(run []string) []string {
	out := make([]string, 0, len(run))
	for _, s := range run {
		s = trimPunct(s)
		if !isASCII(s) {
			if a := longestASCIIWords(s); len(a) >= minSubjectLiteral {
				s = a
			}
		}
		if utf8.RuneCountInString(s) < minSubjectLiteral {
			return nil
		}
		out = append(out, s)
	}
	return dedupe(out)
}

// score prefers ASCII sets, then sets whose shortest string is longest.
func score(set []string) int {
	if len(set) == 0 {
		return -1
	}
	short := len(set[0])
	ascii := true
	for _, s := range set {
		short = min(short, len(s))
		ascii = ascii && isASCII(s)
	}
	if ascii {
		short += 1000
	}
	return short
}

func trimPunct(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// longestASCIIWords returns the longest stretch of s without non-ASCII
// characters, dropping the partial words at its ends that a non-ASCII
// letter cut ("chte mich mit ihnen" of "möchte mich mit ihnen" becomes
// "mich mit ihnen").
func longestASCIIWords(s string) string {
	best := ""
	for i := 0; i < len(s); {
		if s[i] >= utf8.RuneSelf {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] < utf8.RuneSelf {
			j++
		}
		piece := s[i:j]
		if i > 0 && !isBoundary(piece[0]) { // a word cut on the left
			k := strings.IndexByte(piece, ' ')
			if k < 0 {
				piece = ""
			} else {
				piece = piece[k:]
			}
		}
		if j < len(s) && piece != "" && !isBoundary(piece[len(piece)-1]) { // cut on the right
			k := strings.LastIndexByte(piece, ' ')
			if k < 0 {
				piece = ""
			} else {
				piece = piece[:k]
			}
		}
		if w := trimPunct(piece); len(w) > len(best) {
			best = w
		}
		i = j
	}
	return best
}

// isBoundary reports whether an ASCII byte ends a word.
func isBoundary(b byte) bool {
	return b == ' ' || unicode.IsPunct(rune(b))
}
