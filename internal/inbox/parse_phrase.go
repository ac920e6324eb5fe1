package inbox

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// phrase is one compiled locale pattern with a literal prefilter: the
// case-folded texts of which any match must contain at least one. Most
// lines of a message contain none of them, so the regexp (whose
// backtracker is costly on patterns starting with ".+") rarely runs.
type phrase struct {
	re *regexp.Regexp
	// needles are fold keys (see foldKey); a match of re contains one of
	// them. Empty when the pattern has no required literal.
	needles [][]byte
	// prefixes are fold keys of which a match of an anchored pattern
	// starts with one; empty when the pattern is not anchored or starts
	// with no literal.
	prefixes [][]byte
}

// phraseList is one class of phrases of every locale.
type phraseList []phrase

// compilePhrase compiles a pattern and derives its prefilter.
func compilePhrase(expr string) phrase {
	p := phrase{re: regexp.MustCompile(expr)}
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		panic(err) // unreachable: MustCompile accepted expr
	}
	tree = tree.Simplify()
	for _, lit := range phraseLiterals(tree) {
		p.needles = append(p.needles, foldKey(nil, lit))
	}
	if tree.Op == syntax.OpConcat && len(tree.Sub) > 1 && tree.Sub[0].Op == syntax.OpBeginText {
		for _, lit := range leadingLiterals(tree.Sub[1]) {
			p.prefixes = append(p.prefixes, foldKey(nil, lit))
		}
	}
	return p
}

// mayMatch reports whether the phrase can match the text whose fold key is
// key. A false answer is certain; a true one needs the regexp.
func (p *phrase) mayMatch(key []byte) bool {
	if len(p.prefixes) > 0 && !hasAnyPrefix(key, p.prefixes) {
		return false
	}
	if len(p.needles) == 0 {
		return true
	}
	for _, n := range p.needles {
		if bytes.Contains(key, n) {
			return true
		}
	}
	return false
}

func hasAnyPrefix(key []byte, prefixes [][]byte) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// leadingLiterals returns literal strings one of which every match of re
// starts with (as a case-folded prefix), or nil when it cannot tell.
func leadingLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return leadingLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return leadingLiterals(re.Sub[0])
		}
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return leadingLiterals(re.Sub[0])
		}
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits := leadingLiterals(sub)
			if lits == nil {
				return nil
			}
			all = append(all, lits...)
		}
		return all
	}
	return nil
}

// phraseLiterals returns literal strings of which every match of re
// contains at least one (as a case-folded substring), or nil when it
// cannot tell.
func phraseLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return phraseLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return phraseLiterals(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		for _, sub := range re.Sub {
			if lits := phraseLiterals(sub); betterLiterals(lits, best) {
				best = lits
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits := phraseLiterals(sub)
			if lits == nil {
				return nil
			}
			all = append(all, lits...)
		}
		return all
	}
	return nil
}

// betterLiterals reports whether the literal set a filters better than b:
// its shortest literal is longer, or as long with fewer alternatives.
func betterLiterals(a, b []string) bool {
	if a == nil {
		return false
	}
	if b == nil {
		return true
	}
	ma, mb := minLen(a), minLen(b)
	return ma > mb || ma == mb && len(a) < len(b)
}

func minLen(ss []string) int {
	m := -1
	for _, s := range ss {
		if n := utf8.RuneCountInString(s); m < 0 || n < m {
			m = n
		}
	}
	return m
}

// foldKey appends to dst the case-folded form of s: every rune replaced by
// the smallest rune of its simple case-folding orbit, the equivalence that
// (?i) patterns match with. Invalid bytes become U+FFFD.
func foldKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		dst = utf8.AppendRune(dst, minFold(r))
	}
	return dst
}

// minFold returns the smallest rune equivalent to r under simple case
// folding.
func minFold(r rune) rune {
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return m
}
