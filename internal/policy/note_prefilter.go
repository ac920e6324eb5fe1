package policy

import (
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

// maxClassLits is the largest character class whose runes are taken as
// literals; a larger class ([^.!?], \w) requires nothing.
const maxClassLits = 80

// literalSet collects the distinct lower-case literals conditions use.
type literalSet struct {
	index map[string]int32
	lits  []string
	// foldRunes are the runes of case-folded literals, for oddRunes.
	foldRunes map[rune]bool
}

func (ls *literalSet) id(s string) int32 {
	if ls.index == nil {
		ls.index = map[string]int32{}
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
	return simplify(condOr, subs)
}

func exactly(xs ...string) litInfo { return litInfo{exact: xs} }

// union adds the strings of b missing from a.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func (ls *literalSet) info(re *syntax.Regexp) litInfo {
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
		var xs []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				xs = union(xs, []string{strings.ToLower(string(r))})
			}
		}
		if len(xs) == 0 {
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
				acc = crossAll(acc, in.exact)
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
		return litInfo{c: simplify(condAnd, conds)}
	case syntax.OpAlternate:
		ins := make([]litInfo, len(re.Sub))
		var all []string
		exact := true
		for i, sub := range re.Sub {
			ins[i] = ls.info(sub)
			if ins[i].exact == nil {
				exact = false
			} else if exact {
				all = union(all, ins[i].exact)
			}
		}
		if exact && len(all) <= maxUnion {
			return exactly(all...)
		}
		subs := make([]cond, len(ins))
		for i, in := range ins {
			subs[i] = ls.toCond(in)
		}
		return litInfo{c: simplify(condOr, subs)}
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
				acc = crossAll(acc, in.exact)
				continue
			}
			if p := ls.prefixes(sub); p != nil && (len(acc)*len(p) <= maxCross || len(acc) == 1) {
				acc = crossAll(acc, p)
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
			all = union(all, p)
		}
		if len(all) > maxPrefixes {
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

func crossAll(as, bs []string) []string {
	var cross []string
	for _, a := range as {
		for _, b := range bs {
			cross = union(cross, []string{a + b})
		}
	}
	return cross
}

// simplify builds an AND or OR of subs: it flattens nested operators of
// the same kind, drops literals already required or allowed, and folds
// constant truth.
func simplify(op condOp, subs []cond) cond {
	var flat []cond
	seen := map[int32]bool{}
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
					if seen[ss.lit] {
						continue
					}
					seen[ss.lit] = true
				}
				flat = append(flat, ss)
			}
			continue
		case s.op == condLit:
			if seen[s.lit] {
				continue
			}
			seen[s.lit] = true
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

// acMatcher is an Aho-Corasick automaton, compiled to a DFA over byte
// classes, that finds which of a set of literals occur in a text.
type acMatcher struct {
	class  [256]uint8
	nclass int
	delta  []int32 // delta[state*nclass+class] is the next state
	// out[outAt[s]:outAt[s+1]] are the literals that end on reaching s.
	outAt []int32
	out   []int32
	nlits int
	lits  []string
}

func newACMatcher(lits []string) *acMatcher {
	m := &acMatcher{nlits: len(lits), lits: lits}
	// Bytes that occur in no literal share class 0.
	for _, l := range lits {
		for i := 0; i < len(l); i++ {
			if m.class[l[i]] == 0 {
				m.nclass++
				m.class[l[i]] = uint8(m.nclass)
			}
		}
	}
	m.nclass++
	if m.nclass > 256 {
		panic("policy: too many byte classes")
	}
	// The trie; -1 is no edge yet.
	type node struct {
		own  []int32
		fail int32
	}
	nodes := []node{{}}
	var next []int32
	grow := func() int32 {
		nodes = append(nodes, node{})
		for range m.nclass {
			next = append(next, -1)
		}
		return int32(len(nodes) - 1)
	}
	for range m.nclass {
		next = append(next, -1)
	}
	for id, l := range lits {
		s := int32(0)
		for i := 0; i < len(l); i++ {
			c := int32(m.class[l[i]])
			if next[s*int32(m.nclass)+c] < 0 {
				t := grow()
				next[s*int32(m.nclass)+c] = t
			}
			s = next[s*int32(m.nclass)+c]
		}
		nodes[s].own = append(nodes[s].own, int32(id))
	}
	// Breadth first: fail links and the complete transition function.
	nc := int32(m.nclass)
	queue := []int32{}
	for c := range nc {
		if t := next[c]; t < 0 {
			next[c] = 0
		} else {
			nodes[t].fail = 0
			queue = append(queue, t)
		}
	}
	order := []int32{0}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		order = append(order, s)
		f := nodes[s].fail
		for c := range nc {
			if t := next[s*nc+c]; t < 0 {
				next[s*nc+c] = next[f*nc+c]
			} else {
				nodes[t].fail = next[f*nc+c]
				queue = append(queue, t)
			}
		}
	}
	// Outputs: a state's own literals and those of its fail chain, which
	// BFS order has already completed.
	outs := make([][]int32, len(nodes))
	for _, s := range order {
		o := slices.Clone(nodes[s].own)
		if s != 0 {
			o = append(o, outs[nodes[s].fail]...)
		}
		outs[s] = o
	}
	m.outAt = make([]int32, len(nodes)+1)
	for s, o := range outs {
		m.out = append(m.out, o...)
		m.outAt[s+1] = int32(len(m.out))
	}
	m.delta = next
	return m
}

// occurrence is where a lead literal starts in the scanned text.
type occurrence struct{ lit, start int32 }

// scan sets, in present, the bit of every literal that occurs in text, and
// appends to occs the occurrences of the literals marked lead.
func (m *acMatcher) scan(text string, present []uint64, lead []bool, occs []occurrence) []occurrence {
	s := int32(0)
	nc := int32(m.nclass)
	delta, class, outAt, out := m.delta, &m.class, m.outAt, m.out
	for i := 0; i < len(text); i++ {
		s = delta[s*nc+int32(class[text[i]])]
		if a, b := outAt[s], outAt[s+1]; a < b {
			for _, l := range out[a:b] {
				present[l>>6] |= 1 << (l & 63)
				if lead[l] {
					occs = append(occs, occurrence{l, int32(i + 1 - len(m.lits[l]))})
				}
			}
		}
	}
	return occs
}

// words returns the number of uint64 words a presence set needs.
func (m *acMatcher) words() int { return (m.nlits + 63) / 64 }

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
	lead                        []bool // by literal: a prefix of some feature
	odd                         map[rune]bool
	oddASCII                    [utf8.RuneSelf]bool
}

// fastFeature is what the fast path knows of one note feature.
type fastFeature struct {
	cond cond
	// lead is the set of literals one of which starts every match; nil
	// when matches may start anywhere.
	lead litBits
	// anchored matches at the start of its input; afterWord matches after
	// a first ASCII byte that is its left context.
	anchored, afterWord *regexp.Regexp
}

var notePrefilters = sync.OnceValue(func() *notePrefilter {
	var ls literalSet
	p := &notePrefilter{}
	for _, ft := range noteFeatures() {
		p.features = append(p.features, ls.fastFeature(ft.re))
	}
	p.metric = ls.fastFeature(metric())
	p.senderVoice = ls.fastFeature(senderVoice())
	p.german = ls.fastFeature(germanWords())
	p.ac = newACMatcher(ls.lits)
	p.lead = make([]bool, len(ls.lits))
	for _, ff := range append(slices.Clip(p.features), p.metric, p.senderVoice, p.german) {
		for l := range p.lead {
			p.lead[l] = p.lead[l] || ff.lead.has(int32(l))
		}
	}
	p.odd = oddRunes(ls.foldRunes)
	for r := range p.odd {
		if r < utf8.RuneSelf {
			p.oddASCII[r] = true
		}
	}
	return p
})

// fastFeature returns the condition and lead literals of re.
func (ls *literalSet) fastFeature(re *regexp.Regexp) fastFeature {
	expr := re.String()
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		panic(err) // re compiled from the same pattern
	}
	ff := fastFeature{cond: ls.condOf(tree)}
	if pre := ls.prefixes(tree); pre != nil && !lookBehind(tree) {
		for _, x := range pre {
			ff.lead = ff.lead.with(ls.id(x))
		}
		ff.anchored = regexp.MustCompile(`^(?:` + expr + `)`)
		ff.afterWord = regexp.MustCompile(`^(?s:.)(?:` + expr + `)`)
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
	if n := p.ac.words(); cap(sc.present) < n {
		sc.present = make([]uint64, n)
	} else {
		sc.present = sc.present[:n]
		clear(sc.present)
	}
	sc.occs = p.ac.scan(lower, sc.present, p.lead, sc.occs[:0])
}

// litBits is a set of literal indexes.
type litBits []uint64

func (b litBits) has(l int32) bool {
	return int(l>>6) < len(b) && b[l>>6]&(1<<(l&63)) != 0
}

func (b litBits) with(l int32) litBits {
	for int(l>>6) >= len(b) {
		b = append(b, 0)
	}
	b[l>>6] |= 1 << (l & 63)
	return b
}
