package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// hasWord reports whether phrase occurs in text as whole words,
// case-insensitively ("go" is in "Go developer", not in "Google").
func hasWord(text, phrase string) bool {
	_, ok := findWord(text, phrase, false)
	return ok
}

// firstWord returns the first of phrases found in text as whole words,
// case-insensitively, or "".
func firstWord(text string, phrases []string) string {
	for _, p := range phrases {
		if strings.TrimSpace(p) != "" && hasWord(text, p) {
			return p
		}
	}
	return ""
}

// findWord finds phrase in text on word boundaries and returns its byte
// offset in text. Unless caseSensitive, letters are compared with simple
// Unicode case folding; runs of white space in phrase match any white space.
//
// The words of phrase are taken one by one (nextField) rather than as
// strings.Fields' slice: that allocation, on every phrase of every list
// for every invitation, was about 2% of Decide.
func findWord(text, phrase string, caseSensitive bool) (int, bool) {
	first, rest, ok := nextField(phrase, 0)
	if !ok {
		return 0, false
	}
	for start := 0; start < len(text); {
		i := indexFold(text[start:], first, caseSensitive)
		if i < 0 {
			return 0, false
		}
		at := start + i
		end := at + len(first)
		ok := boundaryBefore(text, at)
		for k := rest; ok; {
			w, next, more := nextField(phrase, k)
			if !more {
				break
			}
			k = next
			j := end
			for j < len(text) {
				r, n := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsSpace(r) {
					break
				}
				j += n
			}
			if j == end || !hasPrefixFold(text[j:], w, caseSensitive) {
				ok = false
				break
			}
			end = j + len(w)
		}
		if ok && boundaryAfter(text, end) {
			return at, true
		}
		_, n := utf8.DecodeRuneInString(text[at:])
		start = at + n
	}
	return 0, false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

func boundaryBefore(text string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	first, _ := utf8.DecodeRuneInString(text[i:])
	return !isWordRune(r) || !isWordRune(first)
}

func boundaryAfter(text string, i int) bool {
	if i >= len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	last, _ := utf8.DecodeLastRuneInString(text[:i])
	return !isWordRune(r) || !isWordRune(last)
}

// indexFold is strings.Index, optionally with simple case folding. The
// returned offset is in s and the match has the byte length of sub only
// when the folded runes have the same width, which holds for the scripts
// LinkedIn profiles use; a mismatch simply fails the later checks.
func indexFold(s, sub string, caseSensitive bool) int {
	if caseSensitive {
		return strings.Index(s, sub)
	}
	if isASCII(sub) {
		return indexASCIIFold(s, sub)
	}
	return indexRuneFold(s, sub)
}

// indexRuneFold is indexFold without case sensitivity, for any sub.
func indexRuneFold(s, sub string) int {
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], sub, false) {
			return i
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return -1
}

// indexASCIIFold is indexFold for an ASCII sub. A window of s that
// strings.EqualFold finds equal to sub has as many runes as sub has bytes,
// so it is ASCII too (the runes that fold to ASCII letters, K for "k" and
// ſ for "s", are longer), and it starts on a rune boundary: matching is
// ASCII case folding, byte by byte.
func indexASCIIFold(s, sub string) int {
	if len(sub) == 0 {
		if len(s) == 0 {
			return -1 // as indexRuneFold
		}
		return 0
	}
	// Candidates are found with strings.IndexByte, for each case of the
	// first byte, rather than by testing every byte: the byte loop
	// (indexASCIIFoldSlow in the tests, the oracle) was about 4% of
	// Decide. lo and up are the next offsets at or after i of each case,
	// len(s) when there is none.
	last := len(s) - len(sub)
	first, firstUp := lowerASCII(sub[0]), upperASCII(sub[0])
	lo, up := -1, -1
	for i := 0; i <= last; {
		if lo < i {
			lo = indexByteFrom(s, first, i)
		}
		if first == firstUp {
			up = lo
		} else if up < i {
			up = indexByteFrom(s, firstUp, i)
		}
		c := min(lo, up)
		if c > last {
			return -1
		}
		j := 1
		for j < len(sub) && lowerASCII(s[c+j]) == lowerASCII(sub[j]) {
			j++
		}
		if j == len(sub) {
			return c
		}
		i = c + 1
	}
	return -1
}

// indexByteFrom returns the offset of the first b in s at or after i, or
// len(s).
func indexByteFrom(s string, b byte, i int) int {
	if k := strings.IndexByte(s[i:], b); k >= 0 {
		return i + k
	}
	return len(s)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func hasPrefixFold(s, prefix string, caseSensitive bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if caseSensitive {
		return strings.HasPrefix(s, prefix)
	}
	return strings.EqualFold(s[:len(prefix)], prefix)
}

// clip shortens s to at most n runes, marking the cut with "…".
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
