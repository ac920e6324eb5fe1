package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fast versions of the note classifier's helpers. Each one returns
// exactly what the function it replaces returns, which stays in the
// package as the reference and the oracle of a differential test and a
// fuzz target (fastpath_test.go). The costs quoted are from a CPU
// profile of BenchmarkDecide before these existed (51 µs per invitation).

// isSelfReport is isSelfReportSlow, without running selfResult on phrases
// that cannot match it. It ran on every offer hit and candidate claim
// (about 8% of Decide), and most offers hold none of selfResult's words.
// Every match of selfResult holds "our" or "my" (its first branch), a
// "+" (its second) or "experience" (its third), in any case. Under (?i),
// those letters match only their ASCII upper and lower case (no other
// rune folds to them; TestASCIIPrefiltersAreExact checks it), so an
// ASCII case-insensitive search for them is exact.
func isSelfReport(phrase string) bool {
	if strings.IndexByte(phrase, '+') < 0 && !containsFoldASCII(phrase, "our") &&
		!containsFoldASCII(phrase, "my") && !containsFoldASCII(phrase, "experience") {
		return false
	}
	return isSelfReportSlow(phrase)
}

// containsFoldASCII reports whether s holds sub, an ASCII string, with
// ASCII letters compared case-insensitively.
func containsFoldASCII(s, sub string) bool { return indexASCIIFold(s, sub) >= 0 }

// countFields is len(strings.Fields(s)) without building the slice.
func countFields(s string) int {
	n := 0
	inField := false
	for i := 0; i < len(s); {
		var space bool
		if b := s[i]; b < utf8.RuneSelf {
			space = asciiSpace[b]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if !space && !inField {
			n++
		}
		inField = !space
	}
	return n
}

// asciiSpace are the ASCII bytes unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// nextField returns the first field of s[i:] as strings.Fields cuts
// them (runs of non-space runes), and the offset after it; ok is false
// when s[i:] has no field.
func nextField(s string, i int) (field string, next int, ok bool) {
	start := -1
	for i < len(s) {
		var space bool
		size := 1
		if b := s[i]; b < utf8.RuneSelf {
			space = asciiSpace[b]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		if space {
			if start >= 0 {
				return s[start:i], i, true
			}
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		return s[start:], len(s), true
	}
	return "", len(s), false
}

// firstPersonIn is matchWords(firstPerson(), s). The regexp
// (?i)\b(i|i'm|i am|we|we're|we are|my|our|me)\b matches, leftmost first,
// only whole ASCII words: where "i'm" or "i am" would match, "i" already
// does, as "we" does before "we're" and "we are". So it matches exactly
// the runs of ASCII word bytes ([0-9A-Za-z_], as \b sees them) that are
// one of i, we, my, our, me in any case, and matchWords keeps those that
// no non-ASCII letter touches. Running the regexp over every clause of
// every note was about 3% of Decide.
func firstPersonIn(s string) bool {
	for i := 0; i < len(s); {
		if !isASCIIWordByte(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isASCIIWordByte(s[j]) {
			j++
		}
		if isFirstPersonWord(s[i:j]) && unicodeEdges(s, i, j) {
			return true
		}
		i = j
	}
	return false
}

func isASCIIWordByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_'
}

// isFirstPersonWord reports whether w is i, we, my, our or me, in any
// ASCII case.
func isFirstPersonWord(w string) bool {
	switch len(w) {
	case 1:
		return w[0]|0x20 == 'i'
	case 2:
		a, b := w[0]|0x20, w[1]|0x20
		return a == 'w' && b == 'e' || a == 'm' && (b == 'y' || b == 'e')
	case 3:
		return w[0]|0x20 == 'o' && w[1]|0x20 == 'u' && w[2]|0x20 == 'r'
	}
	return false
}

// stripSignoffFast is stripSignoff without splitting text into lines:
// the lines it keeps are a prefix of the trimmed text.
func stripSignoffFast(text string) string {
	t := strings.TrimSpace(text)
	end := len(t) // t[:end] is the lines kept
	for {
		nl := strings.LastIndexByte(t[:end], '\n')
		if nl < 0 {
			break // one line left
		}
		last := strings.TrimSpace(t[nl+1 : end])
		if last != "" && countFields(last) > 3 {
			break
		}
		end = nl
		prev := t[strings.LastIndexByte(t[:end], '\n')+1 : end]
		if countFields(prev) > 3 {
			break
		}
	}
	return t[:end]
}

// entitiesPlain is entitiesOf for valid UTF-8 text (it defers to
// entitiesOf otherwise), without its allocations: splitClauses' rune
// slice and clause strings, strings.Fields per clause, strings.ToLower
// per clause and per word, and the firstPerson regexp per clause. It was
// about 11% of Decide.
func entitiesPlain(text string, me Me, s *noteScore, german bool) {
	if german {
		return
	}
	if !utf8.ValidString(text) {
		entitiesOf(text, me, s, german)
		return
	}
	body := stripSignoffFast(text)
	var recipientBuf [4]string
	recipient := recipientBuf[:0]
	for i := 0; ; {
		w, next, ok := nextField(me.Name, i)
		if !ok {
			break
		}
		recipient = append(recipient, strings.ToLower(w))
		i = next
	}
	var e entityRun
	for start := 0; start < len(body); {
		clause, next := nextClause(body, start)
		start = next
		if clause == "" {
			continue
		}
		weight := 0.6
		// No rune but Y, O and U lower-cases to y, o or u
		// (TestASCIIPrefiltersAreExact), so this is
		// strings.Contains(strings.ToLower(clause), "you").
		if !containsFoldASCII(clause, "you") && firstPersonIn(clause) {
			weight = 0.25
		}
		e.clause(clause, weight, recipient, s)
	}
}

// entityRun is the state entitiesOf keeps across clauses.
type entityRun struct {
	found map[string]bool
	total float64
}

// clause adds the entities of one clause, as entitiesOf's loop body.
func (e *entityRun) clause(clause string, weight float64, recipient []string, s *noteScore) {
	var runBuf [8]string
	run := runBuf[:0]
	// lower and prevLower hold the lower case of the word at hand and of
	// the one before it.
	var lbuf, pbuf [48]byte
	var lower []byte
	prevLower := pbuf[:0]
	for i, at := 0, 0; ; i++ {
		raw, next, ok := nextField(clause, at)
		if !ok {
			break
		}
		at = next
		w := strings.TrimFunc(raw, notLetterOrDigit)
		lower = appendLower(lbuf[:0], w)
		ok = i > 0 && w != "" && isUpperStart(w) && utf8.RuneCountInString(w) >= 2 &&
			!commonCaps[string(lower)] && !isRecipient(lower, recipient) && !greetings[string(prevLower)] &&
			!strings.HasPrefix(raw, "'") && !strings.HasPrefix(raw, `"`) && !strings.HasPrefix(raw, "(")
		if ok {
			run = append(run, w)
		} else {
			run = e.flush(run, weight, s)
		}
		if w != raw && !strings.HasSuffix(raw, "'s") {
			run = e.flush(run, weight, s) // punctuation ends an entity
		}
		prevLower = append(pbuf[:0], lower...) // prev = lw
	}
	e.flush(run, weight, s)
}

// flush adds the entity in run, if new, and returns run emptied.
func (e *entityRun) flush(run []string, weight float64, s *noteScore) []string {
	if len(run) == 0 {
		return run
	}
	name := strings.Join(run, " ")
	if !e.found[name] {
		if e.found == nil {
			e.found = make(map[string]bool, 4)
		}
		e.found[name] = true
		if e.total < 2.4 {
			s.add(reference, weight, name)
			s.weakRef += weight
			e.total += weight
		}
	}
	return run[:0]
}

func notLetterOrDigit(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// appendLower appends strings.ToLower(w) to dst, for valid UTF-8 w.
func appendLower(dst []byte, w string) []byte {
	for i := 0; i < len(w); {
		if b := w[i]; b < utf8.RuneSelf {
			dst = append(dst, lowerASCII(b))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(w[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}

func isRecipient(lower []byte, recipient []string) bool {
	for _, r := range recipient {
		if string(lower) == r {
			return true
		}
	}
	return false
}

// nextClause returns the clause of text that starts at start, as
// splitClauses cuts them (possibly empty, between two separators), and
// where the next one starts. text must be valid UTF-8.
func nextClause(text string, start int) (clause string, next int) {
	for i := start; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		sep := clauseSep(r)
		if r == '\'' {
			// A quote, not an apostrophe inside a word ("I'm", "O'Reilly").
			prev, _ := utf8.DecodeLastRuneInString(text[:i])
			after, _ := utf8.DecodeRuneInString(text[i+1:])
			sep = i == 0 || i+1 == len(text) || !unicode.IsLetter(prev) || !unicode.IsLetter(after)
		}
		if sep {
			return text[start:i], i + size
		}
		i += size
	}
	return text[start:], len(text)
}

// clauseSep reports whether r is one of splitClauses' separators
// (".!?\n;:,—–()\"¡¿“”").
func clauseSep(r rune) bool {
	switch r {
	case '.', '!', '?', '\n', ';', ':', ',', '—', '–', '(', ')', '"', '¡', '¿', '“', '”':
		return true
	}
	return false
}
