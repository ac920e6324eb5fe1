package inbox

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"slices"
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
	// first is the set of bytes a key that the pattern matches may
	// start with (the first bytes of prefixes, or of the leading
	// character class of an anchored pattern); hasFirst says it is set.
	// Most texts start with none.
	first    [4]uint64
	hasFirst bool
	// suffixes are fold keys of which a match of a pattern anchored at
	// the end ends with one; empty when it cannot tell.
	suffixes [][]byte
	// also are further sets of fold keys a match contains one of each
	// of: the literals of the other parts of a pattern than the one
	// needles come from ("connection" besides "mutual" or "shared").
	also [][][]byte
	// exact, when not nil, holds the fold keys of every text the
	// pattern matches ("^view (?:full )?profile$"): a text matches if
	// and only if its fold key is one of them.
	exact [][]byte
}

// phraseList is one class of phrases of every locale, with an index of
// which phrases a text can match by its first byte. A class has up to 40
// phrases and every line of a message is checked against several
// classes: trying each phrase's own prefilter in turn cost ~15 µs per
// message; most texts start with a byte that rules out every anchored
// phrase at once.
type phraseList struct {
	ps []phrase
	// byFirst[b] lists, in order, the phrases a fold key starting with
	// byte b may match; noFirst those an empty key may match (the
	// phrases with no first-byte set).
	byFirst [256][]uint16
	noFirst []uint16
}

// newPhraseList compiles exprs (in order) and indexes them.
func newPhraseList(exprs []string) *phraseList {
	l := new(phraseList)
	for _, e := range exprs {
		l.ps = append(l.ps, compilePhrase(e))
	}
	for i := range l.ps {
		p := &l.ps[i]
		if !p.hasFirst {
			l.noFirst = append(l.noFirst, uint16(i))
		}
		for b := range 256 {
			if !p.hasFirst || p.first[b>>6]&(1<<(b&63)) != 0 {
				l.byFirst[b] = append(l.byFirst[b], uint16(i))
			}
		}
	}
	return l
}

// candidates returns the indexes, in order, of the phrases that may match
// a text whose fold key is key; the others cannot.
func (l *phraseList) candidates(key []byte) []uint16 {
	if len(key) == 0 {
		return l.noFirst
	}
	return l.byFirst[key[0]]
}

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
	if tree.Op == syntax.OpConcat {
		for _, sub := range tree.Sub {
			lits := phraseLiterals(sub)
			if lits == nil || sameLiterals(lits, p.needles) {
				continue
			}
			var set [][]byte
			for _, lit := range lits {
				set = append(set, foldKey(nil, lit))
			}
			p.also = append(p.also, set)
		}
	}
	if tree.Op == syntax.OpConcat && len(tree.Sub) > 1 && tree.Sub[0].Op == syntax.OpBeginText {
		for _, lit := range leadingLiterals(tree.Sub[1]) {
			k := foldKey(nil, lit)
			if len(k) == 0 {
				// Unreachable (literals are not empty), but an empty
				// prefix would admit every text.
				p.prefixes = nil
				break
			}
			p.prefixes = append(p.prefixes, k)
			p.first[k[0]>>6] |= 1 << (k[0] & 63)
		}
		p.hasFirst = len(p.prefixes) > 0
		if !p.hasFirst {
			p.first, p.hasFirst = leadingBytes(tree.Sub[1])
		}
		if n := len(tree.Sub); tree.Sub[n-1].Op == syntax.OpEndText {
			if lang, ok := finiteLanguage(&syntax.Regexp{Op: syntax.OpConcat, Sub: tree.Sub[1 : n-1]}, 16); ok {
				p.exact = [][]byte{}
				for _, t := range lang {
					p.exact = append(p.exact, foldKey(nil, t))
				}
			}
		}
	}
	if n := len(tree.Sub); tree.Op == syntax.OpConcat && n > 1 && tree.Sub[n-1].Op == syntax.OpEndText {
		for _, lit := range trailingLiterals(tree.Sub[n-2]) {
			p.suffixes = append(p.suffixes, foldKey(nil, lit))
		}
	}
	return p
}

// trailingLiterals returns literal strings one of which every match of
// re ends with (as a case-folded suffix), or nil when it cannot tell.
func trailingLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) > 0 {
			return []string{string(re.Rune)}
		}
	case syntax.OpCapture, syntax.OpPlus:
		return trailingLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return trailingLiterals(re.Sub[0])
		}
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return trailingLiterals(re.Sub[len(re.Sub)-1])
		}
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits := trailingLiterals(sub)
			if lits == nil {
				return nil
			}
			all = append(all, lits...)
		}
		return all
	}
	return nil
}

// finiteLanguage returns every text re matches when they are at most
// limit and re matches them case-insensitively as foldKey compares (its
// literals fold case and its classes are closed under case folding);
// ok is false otherwise.
func finiteLanguage(re *syntax.Regexp, limit int) (lang []string, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r == utf8.RuneError || re.Flags&syntax.FoldCase == 0 && unicode.SimpleFold(r) != r {
				return nil, false
			}
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		in := func(r rune) bool {
			for i := 0; i+1 < len(re.Rune); i += 2 {
				if re.Rune[i] <= r && r <= re.Rune[i+1] {
					return true
				}
			}
			return false
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(lang) >= limit || r == utf8.RuneError {
					return nil, false
				}
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					if !in(f) {
						return nil, false
					}
				}
				lang = append(lang, string(r))
			}
		}
		return lang, len(lang) > 0
	case syntax.OpCapture:
		return finiteLanguage(re.Sub[0], limit)
	case syntax.OpQuest:
		sub, ok := finiteLanguage(re.Sub[0], limit-1)
		if !ok {
			return nil, false
		}
		return append(sub, ""), true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			l, ok := finiteLanguage(sub, limit-len(lang))
			if !ok {
				return nil, false
			}
			lang = append(lang, l...)
		}
		return lang, true
	case syntax.OpConcat:
		lang = []string{""}
		for _, sub := range re.Sub {
			l, ok := finiteLanguage(sub, limit)
			if !ok || len(lang)*len(l) > limit {
				return nil, false
			}
			var next []string
			for _, a := range lang {
				for _, b := range l {
					next = append(next, a+b)
				}
			}
			lang = next
		}
		return lang, true
	}
	return nil, false
}

// leadingBytes returns the set of the first bytes of the fold keys of
// the texts re matches, when re starts with a character class of ASCII
// runes; ok is false when it cannot tell.
func leadingBytes(re *syntax.Regexp) (set [4]uint64, ok bool) {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return leadingBytes(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return leadingBytes(re.Sub[0])
		}
	case syntax.OpConcat:
		if len(re.Sub) > 0 {
			return leadingBytes(re.Sub[0])
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= utf8.RuneSelf {
				return set, false
			}
			for r := lo; r <= hi; r++ {
				k := foldKey(nil, string(r))[0]
				set[k>>6] |= 1 << (k & 63)
			}
		}
		return set, len(re.Rune) > 0
	}
	return set, false
}

// mayMatch reports whether the phrase can match the text whose fold key is
// key. A false answer is certain; a true one needs the regexp, unless
// the phrase is exact.
func (p *phrase) mayMatch(key []byte) bool {
	if p.hasFirst && (len(key) == 0 || p.first[key[0]>>6]&(1<<(key[0]&63)) == 0) {
		return false
	}
	if len(p.prefixes) > 0 && !hasAnyPrefix(key, p.prefixes) {
		return false
	}
	if p.exact != nil {
		for _, e := range p.exact {
			if bytes.Equal(key, e) {
				return true
			}
		}
		return false
	}
	if len(p.suffixes) > 0 && !hasAnySuffix(key, p.suffixes) {
		return false
	}
	if len(p.needles) > 0 && !containsAny(key, p.needles) {
		return false
	}
	for _, set := range p.also {
		if !containsAny(key, set) {
			return false
		}
	}
	return true
}

func containsAny(key []byte, needles [][]byte) bool {
	for _, n := range needles {
		if bytes.Contains(key, n) {
			return true
		}
	}
	return false
}

// sameLiterals reports whether the fold keys of lits are keys.
func sameLiterals(lits []string, keys [][]byte) bool {
	if len(lits) != len(keys) {
		return false
	}
	for i, lit := range lits {
		if !bytes.Equal(foldKey(nil, lit), keys[i]) {
			return false
		}
	}
	return true
}

func hasAnySuffix(key []byte, suffixes [][]byte) bool {
	for _, s := range suffixes {
		if bytes.HasSuffix(key, s) {
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
	dst = slices.Grow(dst, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, asciiFold[c])
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		dst = utf8.AppendRune(dst, minFoldFast(r))
	}
	return dst
}

// asciiFold maps an ASCII byte to its fold key: letters to upper case.
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		t[c] = byte(c)
		if 'a' <= c && c <= 'z' {
			t[c] -= 'a' - 'A'
		}
	}
	return t
}()

// foldTables caches minFold for the runes of two-byte UTF-8 (Latin,
// Greek, Cyrillic, ...) and for the punctuation block LinkedIn's quotes,
// dashes and ellipses come from.
const (
	foldLowEnd    = 0x800
	foldPunctFrom = 0x2000
	foldPunctEnd  = 0x2500
)

var foldLow, foldPunct = func() (low [foldLowEnd]uint16, punct [foldPunctEnd - foldPunctFrom]uint16) {
	for r := range low {
		low[r] = uint16(minFold(rune(r))) // minFold(r) <= r
	}
	for i := range punct {
		punct[i] = uint16(minFold(rune(foldPunctFrom + i)))
	}
	return low, punct
}()

// minFoldFast is minFold, from the tables when they hold r.
func minFoldFast(r rune) rune {
	switch {
	case r < foldLowEnd:
		return rune(foldLow[r])
	case foldPunctFrom <= r && r < foldPunctEnd:
		return rune(foldPunct[r-foldPunctFrom])
	}
	return minFold(r)
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
