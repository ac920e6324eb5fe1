package policy

import (
	"math/bits"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The prefilter decides, before a feature's regexp runs, whether it can
// match at all. Each regexp gets a condition over literals, a formula of
// ANDs and ORs that every text it matches satisfies: a literal in the
// pattern must occur in the text, a concatenation needs all of its parts,
// an alternation one of its branches. One pass of an Aho-Corasick
// automaton over the lower-cased note finds which of all the features'
// literals occur; each condition is then a few bit tests.
//
// Each regexp also gets its lead literals, one of which every match
// starts with ("your", "ur" for \b(your|ur)\s+...). The automaton records
// where they occur, and the regexp runs anchored at those places only
// instead of searching the whole note (fastFeature.findWordsAt).
//
// The literals are lower-cased and looked for in the lower-cased note, so
// the filter is safe as long as a rune that a case-insensitive pattern
// matches lower-cases to the literal's lower case, and positions carry
// over as long as lower-casing keeps every rune's length. That holds for
// every rune but a few ("ſ" matches (?i)s but stays "ſ"; "Ⱥ" grows); a
// note containing one of those, or invalid UTF-8, takes the reference path
// (scoreSlow; see plainText and oddRunes).

type condOp uint8

const (
	condTrue condOp = iota // anything may match
	condLit                // the literal must occur
	condAnd                // every sub-condition must hold
	condOr                 // one sub-condition must hold
)

// cond is a necessary condition for a regexp to match a text.
type cond struct {
	op   condOp
	lit  int32 // literal index, for condLit
	subs []cond
	// lits, for an OR of literals only, is the set of them, as the
	// non-zero words of a bit set.
	lits []maskWord
}

type maskWord struct {
	i    int
	bits uint64
}

// holds evaluates c against the set of literals present.
func (c *cond) holds(present []uint64) bool {
	switch c.op {
	case condLit:
		return present[c.lit>>6]&(1<<(c.lit&63)) != 0
	case condAnd:
		for i := range c.subs {
			if !c.subs[i].holds(present) {
				return false
			}
		}
		return true
	case condOr:
		if c.lits != nil {
			for _, w := range c.lits {
				if present[w.i]&w.bits != 0 {
					return true
				}
			}
			return false
		}
		for i := range c.subs {
			if c.subs[i].holds(present) {
				return true
			}
		}
		return false
	}
	return true
}

// mayHold reports whether ff's condition holds for the literals
// present: cond.holds, after a test of need that rejects most features
// in a few instructions. Walking the conditions of the 110 note features
// for every note was about 6% of Decide; most conditions fail, and most
// of those fail on need.
func (ff *fastFeature) mayHold(present []uint64) bool {
	if ff.need != nil && !anyOf(present, ff.need) {
		return false
	}
	return ff.cond.holds(present)
}

// anyOf reports whether one of the literals of set is present.
func anyOf(present []uint64, set []maskWord) bool {
	for _, w := range set {
		if present[w.i]&w.bits != 0 {
			return true
		}
	}
	return false
}

// needOf returns a set of literals one of which occurs in every text
// that satisfies c, and false when there is none (c may hold on any
// text): a literal for itself, the union of the branches' sets for an
// OR, and for an AND the set of one of its parts, the one most likely to
// be missing from a note: the longest shortest literal (a set of single
// characters such as \s is in every note), then the fewest literals.
// lits are the literals by index.
func needOf(c cond, lits []string) (litBits, bool) {
	switch c.op {
	case condLit:
		return litBits(nil).with(c.lit), true
	case condOr:
		var u litBits
		for _, sub := range c.subs {
			b, ok := needOf(sub, lits)
			if !ok {
				return nil, false
			}
			for i, w := range b {
				for i >= len(u) {
					u = append(u, 0)
				}
				u[i] |= w
			}
		}
		return u, len(c.subs) > 0
	case condAnd:
		var best litBits
		bestLen, bestCount := -1, 0
		for _, sub := range c.subs {
			b, ok := needOf(sub, lits)
			if !ok {
				continue
			}
			short, count := b.shortest(lits), b.count()
			if short > bestLen || short == bestLen && count < bestCount {
				best, bestLen, bestCount = b, short, count
			}
		}
		return best, bestLen >= 0
	}
	return nil, false
}

// shortest returns the length of the shortest literal in b, a set that
// is not empty.
func (b litBits) shortest(lits []string) int {
	m := -1
	for i, w := range b {
		for ; w != 0; w &= w - 1 {
			if n := len(lits[i<<6+bits.TrailingZeros64(w)]); m < 0 || n < m {
				m = n
			}
		}
	}
	return m
}

// count returns the number of literals in b.
func (b litBits) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// maskWords returns the non-zero words of b.
func maskWords(b litBits) []maskWord {
	var out []maskWord
	for i, w := range b {
		if w != 0 {
			out = append(out, maskWord{i, w})
		}
	}
	return out
}

// maxClassLits is the largest character class whose runes are taken as
// literals; a larger class ([^.!?], \w) requires nothing.
const maxClassLits = 80

// literalSet collects the distinct lower-case literals conditions use.
type literalSet struct {
	index map[string]int32
	lits  []string
	// foldRunes are the runes of case-folded literals, for oddRunes.
	foldRunes map[rune]bool
	// memo[re] is the index in infos of info(re), for the feature at
	// hand.
	memo  map[*syntax.Regexp]int32
	infos []litInfo
	// seen and marks are scratch space for distinct and simplify.
	seen  map[string]struct{}
	marks litBits
}

func (ls *literalSet) id(s string) int32 {
	if ls.index == nil {
		ls.index = make(map[string]int32, 4096)
	}
	if i, ok := ls.index[s]; ok {
		return i
	}
	i := int32(len(ls.lits))
	ls.index[s] = i
	ls.lits = append(ls.lits, s)
	return i
}

// Limits on the exact sets condOf tracks: a concatenation of two sets is
// kept exact up to maxCross strings, an alternation up to maxUnion.
const (
	maxCross = 64
	maxUnion = 256
	// maxPrefixes bounds the lead literals of an alternation.
	maxPrefixes = 1024
)

// litInfo is what condOf knows of a sub-expression: either the exact set
// of lower-case strings it can match (exact != nil), or a condition.
type litInfo struct {
	exact []string
	c     cond
}

// condOf returns a condition every text matched by re satisfies.
func (ls *literalSet) condOf(re *syntax.Regexp) cond {
	return ls.toCond(ls.info(re))
}

// toCond turns info into a condition: one of an exact set's strings must
// occur.
func (ls *literalSet) toCond(in litInfo) cond {
	if in.exact == nil {
		return in.c
	}
	subs := make([]cond, 0, len(in.exact))
	for _, x := range in.exact {
		if x == "" {
			return cond{}
		}
		subs = append(subs, cond{op: condLit, lit: ls.id(x)})
	}
	return ls.simplify(condOr, subs)
}

func exactly(xs ...string) litInfo { return litInfo{exact: xs} }

// union adds the strings of b missing from a. It does not modify a.
func union(a, b []string) []string {
	out := slices.Clip(a) // the first append copies
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// distinct drops the repeats from xs, keeping the first of each, in place.
func (ls *literalSet) distinct(xs []string) []string {
	out := xs[:0]
	if len(xs) <= 16 {
		for _, x := range xs {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		return out
	}
	if ls.seen == nil {
		ls.seen = make(map[string]struct{}, 256)
	}
	defer clear(ls.seen)
	for _, x := range xs {
		if _, dup := ls.seen[x]; !dup {
			ls.seen[x] = struct{}{}
			out = append(out, x)
		}
	}
	return out
}

// info returns what condOf knows of re. It remembers the answers for the
// feature at hand (see fastFeature): prefixes asks again about the nodes
// condOf has seen.
func (ls *literalSet) info(re *syntax.Regexp) litInfo {
	if i, ok := ls.memo[re]; ok {
		return ls.infos[i]
	}
	in := ls.info1(re)
	if ls.memo == nil {
		ls.memo = make(map[*syntax.Regexp]int32, 1024)
	}
	ls.memo[re] = int32(len(ls.infos))
	ls.infos = append(ls.infos, in)
	return in
}

func (ls *literalSet) info1(re *syntax.Regexp) litInfo {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			if ls.foldRunes == nil {
				ls.foldRunes = map[rune]bool{}
			}
			for _, r := range re.Rune {
				ls.foldRunes[r] = true
			}
		}
		return exactly(strings.ToLower(string(re.Rune)))
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactly("")
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
			if n > maxClassLits {
				return litInfo{}
			}
		}
		xs := make([]string, 0, n)
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				xs = append(xs, strings.ToLower(string(r)))
			}
		}
		if xs = ls.distinct(xs); len(xs) == 0 {
			return litInfo{}
		}
		return exactly(xs...)
	case syntax.OpCapture:
		return ls.info(re.Sub[0])
	case syntax.OpQuest:
		if in := ls.info(re.Sub[0]); in.exact != nil {
			return exactly(union(in.exact, []string{""})...)
		}
	case syntax.OpPlus:
		return litInfo{c: ls.toCond(ls.info(re.Sub[0]))}
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return litInfo{c: ls.toCond(ls.info(re.Sub[0]))}
		}
		if re.Max == 1 {
			if in := ls.info(re.Sub[0]); in.exact != nil {
				return exactly(union(in.exact, []string{""})...)
			}
		}
	case syntax.OpConcat:
		var conds []cond
		acc := []string{""}
		for _, sub := range re.Sub {
			in := ls.info(sub)
			switch {
			case in.exact != nil && (len(acc)*len(in.exact) <= maxCross || len(acc) == 1):
				acc = ls.crossAll(acc, in.exact)
			case in.exact != nil:
				conds = append(conds, ls.toCond(exactly(acc...)))
				acc = in.exact
			default:
				conds = append(conds, ls.toCond(exactly(acc...)), in.c)
				acc = []string{""}
			}
		}
		if len(conds) == 0 {
			return exactly(acc...)
		}
		conds = append(conds, ls.toCond(exactly(acc...)))
		return litInfo{c: ls.simplify(condAnd, conds)}
	case syntax.OpAlternate:
		ins := make([]litInfo, len(re.Sub))
		exact := true
		for i, sub := range re.Sub {
			ins[i] = ls.info(sub)
			exact = exact && ins[i].exact != nil
		}
		if exact {
			var all []string
			for _, in := range ins {
				all = append(all, in.exact...)
			}
			if all = ls.distinct(all); len(all) <= maxUnion {
				return exactly(all...)
			}
		}
		subs := make([]cond, len(ins))
		for i, in := range ins {
			subs[i] = ls.toCond(in)
		}
		return litInfo{c: ls.simplify(condOr, subs)}
	}
	// Any character, large classes, stars, optional parts that are not
	// exact.
	return litInfo{}
}

// prefixes returns lower-case strings, none empty, one of which every
// match of re starts with, or nil when there is no such small set.
func (ls *literalSet) prefixes(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return ls.prefixes(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return ls.prefixes(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		acc := []string{""}
		for _, sub := range re.Sub {
			in := ls.info(sub)
			if in.exact != nil && (len(acc)*len(in.exact) <= maxCross || len(acc) == 1) {
				acc = ls.crossAll(acc, in.exact)
				continue
			}
			if p := ls.prefixes(sub); p != nil && (len(acc)*len(p) <= maxCross || len(acc) == 1) {
				acc = ls.crossAll(acc, p)
			}
			break
		}
		if slices.Contains(acc, "") {
			return nil
		}
		return acc
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			p := ls.prefixes(sub)
			if p == nil {
				return nil
			}
			all = append(all, p...)
		}
		if all = ls.distinct(all); len(all) > maxPrefixes {
			return nil
		}
		return all
	}
	in := ls.info(re)
	if in.exact == nil || slices.Contains(in.exact, "") {
		return nil
	}
	return in.exact
}

// crossAll returns the distinct concatenations of a string of as and one
// of bs.
func (ls *literalSet) crossAll(as, bs []string) []string {
	cross := make([]string, 0, len(as)*len(bs))
	for _, a := range as {
		for _, b := range bs {
			cross = append(cross, a+b)
		}
	}
	return ls.distinct(cross)
}

// simplify builds an AND or OR of subs: it flattens nested operators of
// the same kind, drops literals already required or allowed, and folds
// constant truth.
func (ls *literalSet) simplify(op condOp, subs []cond) cond {
	flat := make([]cond, 0, len(subs))
	// seen marks the literals in flat; it is empty again on return.
	seen := &ls.marks
	defer func() {
		for _, s := range flat {
			if s.op == condLit {
				*seen = seen.without(s.lit)
			}
		}
	}()
	for _, s := range subs {
		switch {
		case s.op == condTrue:
			if op == condOr {
				return cond{}
			}
			continue
		case s.op == op:
			for _, ss := range s.subs {
				if ss.op == condLit {
					if seen.has(ss.lit) {
						continue
					}
					*seen = seen.with(ss.lit)
				}
				flat = append(flat, ss)
			}
			continue
		case s.op == condLit:
			if seen.has(s.lit) {
				continue
			}
			*seen = seen.with(s.lit)
		}
		flat = append(flat, s)
	}
	switch len(flat) {
	case 0:
		return cond{}
	case 1:
		return flat[0]
	}
	c := cond{op: op, subs: flat}
	if op == condOr && !slices.ContainsFunc(flat, func(s cond) bool { return s.op != condLit }) {
		var set litBits
		for _, s := range flat {
			set = set.with(s.lit)
		}
		for i, w := range set {
			if w != 0 {
				c.lits = append(c.lits, maskWord{i, w})
			}
		}
	}
	return c
}

// acMatcher is an Aho-Corasick automaton that finds which of a set of
// literals occur in a text. Bytes are mapped to classes (bytes in no
// literal share class 0). States are numbered breadth first, so the
// children of a state are consecutive and the shallow states come first:
// those of depth at most denseDepth, where a scan spends most of its
// time, have a complete row of transitions; a deeper state has its trie
// edges and its failure link, which leads to a shallower state.
type acMatcher struct {
	class  [256]uint8
	nclass int32
	// ndense states have rows: dense[s*nclass+c] is the next state.
	ndense int32
	dense  []int32
	// The children of s are the states child[s] to child[s+1]-1, and
	// label[t] is the class of the edge into t.
	child []int32
	label []uint8
	fail  []int32
	// out[outAt[s]:outAt[s+1]] are the literals that end on reaching s.
	outAt []int32
	out   []int32
	// size[l] is the length of literal l.
	size []int32
}

// denseDepth is the depth of the deepest states with complete rows.
const denseDepth = 2

func newACMatcher(lits []string) *acMatcher {
	m := &acMatcher{size: make([]int32, len(lits))}
	// Bytes that occur in no literal share class 0.
	for l, x := range lits {
		m.size[l] = int32(len(x))
		for i := 0; i < len(x); i++ {
			if m.class[x[i]] == 0 {
				m.nclass++
				m.class[x[i]] = uint8(m.nclass)
			}
		}
	}
	m.nclass++
	if m.nclass > 256 {
		panic("policy: too many byte classes")
	}
	// The trie, from the literals in order: the literals below a state
	// are consecutive, sorted[lo[s]:hi[s]], and share its depth bytes.
	// Breadth first numbering makes the children of a state consecutive.
	sorted := make([]int32, len(lits))
	for i := range sorted {
		sorted[i] = int32(i)
	}
	slices.SortFunc(sorted, func(a, b int32) int { return strings.Compare(lits[a], lits[b]) })
	n := 1
	for _, x := range lits {
		n += len(x) // a bound on the number of states
	}
	lo := make([]int32, 1, n)
	hi := append(make([]int32, 0, n), int32(len(sorted)))
	depth := make([]int32, 1, n)
	own := make([]int32, 1, n)
	m.label = make([]uint8, 1, n)
	m.child = make([]int32, 0, n+1)
	own[0] = -1
	for s := 0; s < len(lo); s++ {
		m.child = append(m.child, int32(len(lo)))
		d := depth[s]
		i, end := lo[s], hi[s]
		if i < end && len(lits[sorted[i]]) == int(d) {
			own[s] = sorted[i] // the literal is unique and sorts first
			i++
		}
		for i < end {
			b := lits[sorted[i]][d]
			j := i + 1
			for j < end && lits[sorted[j]][d] == b {
				j++
			}
			lo, hi = append(lo, i), append(hi, j)
			depth, own = append(depth, d+1), append(own, -1)
			m.label = append(m.label, m.class[b])
			i = j
		}
		if d <= denseDepth {
			m.ndense = int32(s + 1)
		}
	}
	m.child = append(m.child, int32(len(lo)))
	// Failure links and rows, breadth first: a state's failure link is
	// shallower, so it is done before the state.
	nc := m.nclass
	m.fail = make([]int32, len(lo))
	m.dense = make([]int32, int(m.ndense)*int(nc))
	for s := int32(0); s < int32(len(lo)); s++ {
		if s < m.ndense {
			row := m.dense[s*nc : (s+1)*nc]
			if s > 0 {
				copy(row, m.dense[m.fail[s]*nc:(m.fail[s]+1)*nc])
			}
			for t := m.child[s]; t < m.child[s+1]; t++ {
				row[m.label[t]] = t
			}
		}
		for t := m.child[s]; t < m.child[s+1]; t++ {
			if s > 0 {
				m.fail[t] = m.next(m.fail[s], m.label[t])
			}
		}
	}
	// Outputs: a state's own literal and those of its failure link, which
	// breadth first order has already completed.
	m.outAt = make([]int32, len(lo)+1)
	for s := range lo {
		k := m.outAt[m.fail[s]+1] - m.outAt[m.fail[s]]
		if s == 0 {
			k = 0
		}
		if own[s] >= 0 {
			k++
		}
		m.outAt[s+1] = m.outAt[s] + k
	}
	m.out = make([]int32, 0, m.outAt[len(lo)])
	for s := range lo {
		if own[s] >= 0 {
			m.out = append(m.out, own[s])
		}
		if s > 0 {
			m.out = append(m.out, m.out[m.outAt[m.fail[s]]:m.outAt[m.fail[s]+1]]...)
		}
	}
	return m
}

// next returns the state after s on a byte of class c.
func (m *acMatcher) next(s int32, c uint8) int32 {
	for {
		if s < m.ndense {
			return m.dense[s*m.nclass+int32(c)]
		}
		for t := m.child[s]; t < m.child[s+1]; t++ {
			if m.label[t] == c {
				return t
			}
		}
		s = m.fail[s]
	}
}

// occurrence is where a lead literal starts in the scanned text.
type occurrence struct{ lit, start int32 }

// scan sets, in present, the bit of every literal that occurs in text, and
// appends to occs the occurrences of the literals marked lead (none when
// lead is nil).
//
// class maps text's bytes to the automaton's byte classes: &m.class for
// lower-cased text, or a table that also maps each upper-case ASCII
// letter to the class of its lower case (see foldASCII), for ASCII text
// as it is.
func (m *acMatcher) scan(text string, class *[256]uint8, present []uint64, lead []bool, occs []occurrence) []occurrence {
	s := int32(0)
	outAt, out := m.outAt, m.out
	for i := 0; i < len(text); i++ {
		s = m.next(s, class[text[i]])
		if a, b := outAt[s], outAt[s+1]; a < b {
			for _, l := range out[a:b] {
				present[l>>6] |= 1 << (l & 63)
				if lead != nil && lead[l] {
					occs = append(occs, occurrence{l, int32(i+1) - m.size[l]})
				}
			}
		}
	}
	return occs
}

// foldASCII returns the automaton's byte classes with each upper-case
// ASCII letter in the class of its lower case. Scanning ASCII text with
// it finds what scanning the text's lower case finds, at the same
// offsets, without building the lower case: strings.ToLower of a note was
// about 2% of Decide's time, most of it the allocation.
func (m *acMatcher) foldASCII() *[256]uint8 {
	var fold [256]uint8
	for b := range 256 {
		fold[b] = m.class[lowerASCII(byte(b))]
	}
	return &fold
}

// words returns the number of uint64 words a presence set needs.
func (m *acMatcher) words() int { return (len(m.size) + 63) / 64 }

// oddRunes returns the runes a case-insensitive pattern matches through a
// literal rune in folds whose lower case differs from the literal's: for
// "s", the long s "ſ", which strings.ToLower keeps.
func oddRunes(folded map[rune]bool) map[rune]bool {
	odd := map[rune]bool{}
	for l := range folded {
		ll := unicode.ToLower(l)
		for c := unicode.SimpleFold(l); c != l; c = unicode.SimpleFold(c) {
			if unicode.ToLower(c) != ll {
				odd[c] = true
			}
		}
	}
	return odd
}

// plainText reports whether text is valid UTF-8 without odd runes and
// whose lower case has the same byte offsets, so that the prefilter and
// the positions of literals found in the lower case apply to it.
func (p *notePrefilter) plainText(text string) bool {
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			if p.oddASCII[b] {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && n == 1 || p.odd[r] || utf8.RuneLen(unicode.ToLower(r)) != n {
			return false
		}
		i += n
	}
	return true
}

// notePrefilter holds the conditions of the note features' regexps and
// the automaton that finds their literals.
type notePrefilter struct {
	features []fastFeature // by index in noteFeatures()
	// metric, senderVoice and german are the regexps of claims and
	// looksGerman.
	metric, senderVoice, german fastFeature
	ac                          *acMatcher
	foldClass                   *[256]uint8 // ac.foldASCII()
	lead                        []bool      // by literal: a prefix of some feature
	odd                         map[rune]bool
	oddASCII                    [utf8.RuneSelf]bool
}

// fastFeature is what the fast path knows of one note feature.
type fastFeature struct {
	cond cond
	// need is a set of literals one of which every text that satisfies
	// cond holds (see needOf), as the non-zero words of a bit set; nil
	// when cond is always true.
	need []maskWord
	// lead is the set of literals one of which starts every match; nil
	// when matches may start anywhere.
	lead litBits
	// afterWord, compiled on first use, matches at the start of its input
	// after a first byte that is its left context.
	afterWord func() *regexp.Regexp
}

var notePrefilters = sync.OnceValue(newNotePrefilter)

// newNotePrefilter builds the prefilter of the note features.
func newNotePrefilter() *notePrefilter {
	var ls literalSet
	p := &notePrefilter{}
	for _, ft := range noteFeatures() {
		p.features = append(p.features, ls.fastFeature(ft.re))
	}
	p.metric = ls.fastFeature(metric())
	p.senderVoice = ls.fastFeature(senderVoice())
	p.german = ls.fastFeature(germanWords())
	p.ac = newACMatcher(ls.lits)
	p.foldClass = p.ac.foldASCII()
	p.lead = make([]bool, len(ls.lits))
	for _, ff := range append(slices.Clip(p.features), p.metric, p.senderVoice, p.german) {
		for i, w := range ff.lead {
			for ; w != 0; w &= w - 1 {
				p.lead[i<<6+bits.TrailingZeros64(w)] = true
			}
		}
	}
	p.odd = oddRunes(ls.foldRunes)
	for r := range p.odd {
		if r < utf8.RuneSelf {
			p.oddASCII[r] = true
		}
	}
	return p
}

// fastFeature returns the condition and lead literals of re.
func (ls *literalSet) fastFeature(re *regexp.Regexp) fastFeature {
	expr := re.String()
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		panic(err) // re compiled from the same pattern
	}
	clear(ls.memo)
	ls.infos = ls.infos[:0]
	ff := fastFeature{cond: ls.condOf(tree)}
	if need, ok := needOf(ff.cond, ls.lits); ok {
		ff.need = maskWords(need)
	}
	if pre := ls.prefixes(tree); pre != nil && !lookBehind(tree) {
		for _, x := range pre {
			ff.lead = ff.lead.with(ls.id(x))
		}
		ff.afterWord = lazyRegexp(`^(?s:.)(?:` + expr + `)`)
	}
	return ff
}

// lookBehind reports whether re has an assertion other than \b and \B
// that depends on what precedes a match (^, \A): matching from a
// candidate start would not be the same. (A feature with lead literals
// cannot match empty, which would be the other difference.)
func lookBehind(re *syntax.Regexp) bool {
	if re.Op == syntax.OpBeginLine || re.Op == syntax.OpBeginText {
		return true
	}
	return slices.ContainsFunc(re.Sub, lookBehind)
}

// scratch is the per-note working memory of the fast path.
type scratch struct {
	present []uint64
	occs    []occurrence
	starts  []int
}

var scratches sync.Pool

// scan returns the set of literals that occur in lower and the
// occurrences of lead literals, in order of their ends, in sc.
func (p *notePrefilter) scan(lower string, sc *scratch) {
	p.scanWith(lower, &p.ac.class, sc)
}

// scanText is scan(strings.ToLower(text), sc) without the lower-casing
// when text is ASCII.
func (p *notePrefilter) scanText(text string, sc *scratch) {
	if isASCII(text) {
		p.scanWith(text, p.foldClass, sc)
		return
	}
	p.scanWith(strings.ToLower(text), &p.ac.class, sc)
}

func (p *notePrefilter) scanWith(text string, class *[256]uint8, sc *scratch) {
	if n := p.ac.words(); cap(sc.present) < n {
		sc.present = make([]uint64, n)
	} else {
		sc.present = sc.present[:n]
		clear(sc.present)
	}
	sc.occs = p.ac.scan(text, class, sc.present, p.lead, sc.occs[:0])
}

// litBits is a set of literal indexes.
type litBits []uint64

func (b litBits) has(l int32) bool {
	return int(l>>6) < len(b) && b[l>>6]&(1<<(l&63)) != 0
}

func (b litBits) without(l int32) litBits {
	if int(l>>6) < len(b) {
		b[l>>6] &^= 1 << (l & 63)
	}
	return b
}

func (b litBits) with(l int32) litBits {
	for int(l>>6) >= len(b) {
		b = append(b, 0)
	}
	b[l>>6] |= 1 << (l & 63)
	return b
}
