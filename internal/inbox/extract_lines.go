package inbox

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// lineMemo caches what the card reader asks about one visible line of a
// doc: the same line is looked at by several passes (the recipient, each
// card's name, details and note), and each question runs the phrase
// tables.
type lineMemo struct {
	keyLo, keyHi int32 // foldKey of the text: doc.keys[keyLo:keyHi]
	greeting     int32 // firstSubmatch(greetings): doc.greetings[greeting-1], or 0 for nil
	mutual       int32 // mutualCount, or -1
	done         uint8 // memoXxx bits: which fields are computed
	val          uint8 // memoXxx bits: the boolean answers
}

const (
	memoKey uint8 = 1 << iota
	memoStructural
	memoPlausible
	memoMutual
	memoGreeting
	memoPYMK
)

// key returns the fold key of line i's text.
func (d *doc) key(i int) []byte {
	m := &d.memo[i]
	if m.done&memoKey == 0 {
		if d.keys == nil {
			d.keys = make([]byte, 0, d.textLen) // more only for invalid UTF-8
		}
		m.keyLo = int32(len(d.keys))
		d.keys = foldKey(d.keys, d.lines[i].text)
		m.keyHi = int32(len(d.keys))
		m.done |= memoKey
	}
	return d.keys[m.keyLo:m.keyHi:m.keyHi]
}

// structural is isStructural(d.lines[i].text).
func (d *doc) structural(i int) bool { return d.memoBool(i, memoStructural, structuralLine) }

// plausible is plausibleName(d.lines[i].text).
func (d *doc) plausible(i int) bool { return d.memoBool(i, memoPlausible, plausibleLine) }

// pymkHeading is isPYMKHeading(d.lines[i].text).
func (d *doc) pymkHeading(i int) bool {
	return d.memoBool(i, memoPYMK, func(d *doc, i int) bool { return isPYMKHeading(d.lines[i].text) })
}

// memoBool returns f(d, i), computed once per line and kept in bit of
// the line's memo.
func (d *doc) memoBool(i int, bit uint8, f func(*doc, int) bool) bool {
	m := &d.memo[i]
	if m.done&bit == 0 {
		if f(d, i) {
			m.val |= bit
		}
		m.done |= bit
	}
	return m.val&bit != 0
}

// greeting is firstSubmatch(phrases().greetings, d.lines[i].text).
func (d *doc) greeting(i int) []string {
	m := &d.memo[i]
	if m.done&memoGreeting == 0 {
		if g := firstSubmatchKey(phrases().greetings, d.lines[i].text, d.key(i)); g != nil {
			d.greetings = append(d.greetings, g)
			m.greeting = int32(len(d.greetings))
		}
		m.done |= memoGreeting
	}
	if m.greeting == 0 {
		return nil
	}
	return d.greetings[m.greeting-1]
}

// mutual is mutualCount(d.lines[i].text); every call returns a new int.
func (d *doc) mutual(i int) *int {
	m := &d.memo[i]
	if m.done&memoMutual == 0 {
		m.mutual = -1
		if c := mutualCountKey(d.lines[i].text, d.key(i)); c != nil {
			m.mutual = int32(*c) // mutualCount returns less than 1e7 + 1
		}
		m.done |= memoMutual
	}
	if m.mutual < 0 {
		return nil
	}
	n := int(m.mutual)
	return &n
}

// isStructuralKey is isStructural for a text whose fold key is key.
func isStructuralKey(text string, key []byte) bool {
	p := phrases()
	return anyMatchKey(p.boilerplate, text, key) || anyMatchKey(p.footers, text, key) ||
		isPYMKHeading(text) || anyMatchKey(p.requested, text, key)
}

// structuralLine is isStructuralKey for line i of d.
func structuralLine(d *doc, i int) bool {
	p := phrases()
	text, key := d.lines[i].text, d.key(i)
	return anyMatchKey(p.boilerplate, text, key) || anyMatchKey(p.footers, text, key) ||
		d.pymkHeading(i) || anyMatchKey(p.requested, text, key)
}

// plausibleNameKey is plausibleName for a text whose fold key is key.
func plausibleNameKey(text string, key []byte) bool {
	if !plausibleNameShape(text) {
		return false
	}
	if isActionLabelKey(text, key) || isStructuralKey(text, key) || anyMatchKey(phrases().greetings, text, key) ||
		mutualCountKey(text, key) != nil {
		return false
	}
	return strings.IndexFunc(text, isLetter) >= 0
}

// plausibleLine is plausibleNameKey for line i of d, using the memo.
func plausibleLine(d *doc, i int) bool {
	text := d.lines[i].text
	if !plausibleNameShape(text) {
		return false
	}
	key := d.key(i)
	if isActionLabelKey(text, key) || d.structural(i) || d.greeting(i) != nil || d.mutual(i) != nil {
		return false
	}
	return strings.IndexFunc(text, isLetter) >= 0
}

// plausibleNameShape is the first, cheap part of plausibleName: length,
// words, characters.
func plausibleNameShape(text string) bool {
	if text == "" || len(text) > 100 || moreFields(text, 8) {
		return false
	}
	return !nameDisallowedIn(text) && (!strings.HasSuffix(text, ".") || strings.HasSuffix(text, "Jr.") || strings.HasSuffix(text, "Sr.")) &&
		!isBadgeLine(text)
}

// moreFields reports whether len(strings.Fields(s)) > n, without
// allocating.
func moreFields(s string, n int) bool {
	fields, inField := 0, false
	for i := 0; i < len(s); {
		c := s[i]
		var space bool
		if c < utf8.RuneSelf {
			space = asciiSpace[c] != 0
			i++
		} else {
			r, w := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += w
		}
		if space {
			inField = false
			continue
		}
		if !inField {
			inField = true
			if fields++; fields > n {
				return true
			}
		}
	}
	return false
}

// asciiSpace holds the ASCII bytes strings.Fields splits at.
var asciiSpace = [utf8.RuneSelf]uint8{'\t': 1, '\n': 1, '\v': 1, '\f': 1, '\r': 1, ' ': 1}

// nameDisallowedIn is nameDisallowed.MatchString(s): a URL scheme, a
// character names never hold, or a leading dash or bullet.
func nameDisallowedIn(s string) bool {
	for _, p := range []string{"-", "–", "—", "•", "*"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ':':
			// "https?://" contains a colon too.
			return true
		case ';', '!', '?', '{', '}', '<', '>', '=', '[', ']', '|':
			return true
		}
	}
	return false
}

// isActionLabelKey is isActionLabel for a text whose fold key is key.
func isActionLabelKey(text string, key []byte) bool {
	t := strings.TrimRight(normalize(text), ":. ")
	if t != text {
		var buf [256]byte
		key = foldKey(buf[:0], t)
		return isAcceptLabelKey(t, key) || anyMatchKey(phrases().viewProfile, t, key)
	}
	return isAcceptLabelKey(t, key) || anyMatchKey(phrases().viewProfile, t, key)
}

// isAcceptLabelKey is isAcceptLabel for a text whose fold key is key.
func isAcceptLabelKey(text string, key []byte) bool {
	t := strings.TrimRight(normalize(text), ":. ")
	if !isASCII(t) {
		lt := strings.ToLower(t)
		return phrases().acceptLabels[lt] || anyMatch(phrases().acceptFrom, lt)
	}
	var buf [64]byte
	if low, ok := lowerASCII(buf[:0], t); ok {
		if phrases().acceptLabels[string(low)] {
			return true
		}
	} else if len(t) <= phrases().acceptLabelMaxLen && phrases().acceptLabels[strings.ToLower(t)] {
		return true
	}
	// For ASCII text, the fold key of the lower-case text is the fold
	// key of the text.
	if t != text {
		var kbuf [256]byte
		key = foldKey(kbuf[:0], t)
	}
	res := phrases().acceptFrom
	for _, i := range res.candidates(key) {
		if res.ps[i].mayMatch(key) && res.ps[i].re.MatchString(strings.ToLower(t)) {
			return true
		}
	}
	return false
}

// containsLower is strings.Contains(strings.ToLower(s), substr) for an
// ASCII lower-case substr, without allocating for ASCII s.
func containsLower(s, substr string) bool {
	if !isASCII(s) {
		return strings.Contains(strings.ToLower(s), substr)
	}
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return true
		}
	}
	return false
}
