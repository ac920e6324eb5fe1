package inbox

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// line is one line of visible text of a message part, in reading order.
// HTML parts break lines at block elements and around links; text parts
// keep their own lines, with blank lines as paragraph breaks.
type line struct {
	text   string // normalised: invisible characters removed, spaces collapsed
	href   string // the link the text belongs to; "" for plain text
	hidden bool   // inside a hidden element (an email preheader)
}

// blank reports whether l is a paragraph break.
func (l line) blank() bool { return l.text == "" && l.href == "" }

// invisible are characters LinkedIn pads preheaders with or that hide in
// names: combining grapheme joiner, zero-width spaces and joiners, word
// joiner, soft hyphen, byte order mark.
var invisible = strings.NewReplacer(
	"\u034f", "", "\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "",
	"\u00ad", "", "\ufeff", "", "\u200e", "", "\u200f", "",
)

// maxLineLen caps a rendered line: no name, headline or note comes close,
// and hostile multi-megabyte lines would otherwise cost every pattern a
// full scan.
const maxLineLen = 8 << 10

// capLine cuts s to maxLineLen bytes, dropping a rune cut in half.
func capLine(s string) string {
	if len(s) <= maxLineLen {
		return s
	}
	return strings.ToValidUTF8(s[:maxLineLen], "")
}

// normalize removes invisible characters, turns every kind of space (NBSP
// included) into one ASCII space, and trims.
func normalize(s string) string {
	if isNormal(s) {
		return s
	}
	if !utf8.ValidString(s) {
		// Removing an invisible character could join stray bytes
		// into a rune: keep the two steps apart.
		s = invisible.Replace(s)
		return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	}
	// Copied a run at a time: the text of HTML cells is mostly ASCII
	// words between newlines and indentation.
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		j := i
		if c := s[i]; c < utf8.RuneSelf {
			if isASCIISpaceByte(c) {
				space = true
				i++
				continue
			}
			for j++; j < len(s) && s[j] < utf8.RuneSelf && !isASCIISpaceByte(s[j]); j++ {
			}
		} else {
			r, n := utf8.DecodeRuneInString(s[i:])
			j += n
			if isInvisible(r) {
				i = j
				continue
			}
			if unicode.IsSpace(r) {
				space = true
				i = j
				continue
			}
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(s[i:j])
		i = j
	}
	return b.String()
}

// isASCIISpaceByte reports whether c is an ASCII byte unicode.IsSpace
// takes for a space.
func isASCIISpaceByte(c byte) bool {
	return c == ' ' || '\t' <= c && c <= '\r'
}

// isInvisible reports whether invisible removes r.
func isInvisible(r rune) bool {
	switch r {
	case '\u034f', '\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '\ufeff', '\u200e', '\u200f':
		return true
	}
	return false
}

// isNormal reports whether normalize leaves s as it is: valid UTF-8 with
// no invisible character and no space but single inner ASCII spaces.
// Most lines already are; checking costs a scan, building a copy an
// allocation, and names in other scripts than Latin made the copy common.
func isNormal(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
				return false
			case c == ' ' && s[i+1] == ' ':
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || isInvisible(r) || unicode.IsSpace(r) {
			return false
		}
		i += n
	}
	return true
}

// hiddenStyle reports whether a style attribute hides the element.
func hiddenStyle(style string) bool {
	// Most styles hide nothing: skip the split.
	if !mayHideStyle(style) {
		return false
	}
	for decl := range strings.SplitSeq(style, ";") {
		prop, val, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		prop = strings.ToLower(strings.TrimSpace(prop))
		val = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "!important")))
		switch prop {
		case "display":
			if val == "none" {
				return true
			}
		case "visibility":
			if val == "hidden" {
				return true
			}
		case "opacity", "max-height":
			if v := strings.TrimSuffix(val, "px"); v == "0" || v == "0.0" || v == "0%" {
				return true
			}
		}
	}
	return false
}

// mayHideStyle reports whether hiddenStyle may find style hiding: a
// colon with, before it, one of the properties and, after it, the start of
// a value that hides, with only spaces (or any non-ASCII byte) between.
// (No non-ASCII letter lower-cases into these ASCII words but the Kelvin
// sign, which is not in them.) It looks only around the colons.
func mayHideStyle[S string | []byte](style S) bool {
	for i := 0; i < len(style); i++ {
		if style[i] != ':' {
			continue
		}
		p := i
		for p > 0 && isSpaceByte(style[p-1]) {
			p--
		}
		v := skipSpaces(style, i+1)
		switch {
		case suffixFold(style[:p], "display"):
			if prefixFold(style[v:], "none") {
				return true
			}
		case suffixFold(style[:p], "visibility"):
			if prefixFold(style[v:], "hidden") {
				return true
			}
		case suffixFold(style[:p], "opacity"), suffixFold(style[:p], "max-height"):
			if v < len(style) && style[v] == '0' {
				return true
			}
		}
	}
	return false
}

// isSpaceByte reports whether c is ASCII white space or a byte of a
// non-ASCII character (which may be a Unicode space).
func isSpaceByte(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return c >= utf8.RuneSelf
}

// suffixFold reports whether s ends with word (lower-case ASCII) in any
// ASCII case.
func suffixFold[S string | []byte](s S, word string) bool {
	return len(s) >= len(word) && prefixFold(s[len(s)-len(word):], word)
}

// skipSpaces skips ASCII white space and non-ASCII bytes (which may be
// Unicode spaces) from s[i].
func skipSpaces[S string | []byte](s S, i int) int {
	for i < len(s) && isSpaceByte(s[i]) {
		i++
	}
	return i
}

// prefixFold reports whether s starts with word (lower-case ASCII) in
// any ASCII case.
func prefixFold[S string | []byte](s S, word string) bool {
	if len(s) < len(word) {
		return false
	}
	for k := 0; k < len(word); k++ {
		c := s[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[k] {
			return false
		}
	}
	return true
}

// findURL finds the first URL in a line of a text part, with or without
// an angle bracket before it: what the regexp <?(https?://[^\s<>"]+)>?
// finds, without the regexp. It returns where the match starts (at the
// "<" if there is one) and the URL's extent.
func findURL(s string) (start, urlStart, urlEnd int, ok bool) {
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], "http")
		if i < 0 {
			break
		}
		q := off + i
		j := q + len("http")
		if j < len(s) && s[j] == 's' {
			j++
		}
		if strings.HasPrefix(s[j:], "://") {
			j += len("://")
			end := j
			for end < len(s) && urlByte(s[end]) {
				end++
			}
			if end > j {
				start = q
				if q > 0 && s[q-1] == '<' {
					start = q - 1
				}
				return start, q, end, true
			}
		}
		off = q + 1
	}
	return 0, 0, 0, false
}

// urlByte reports whether c can continue a URL in text: anything but the
// regexp class \s (which has no \v) and <>".
func urlByte(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\f', '\r', '<', '>', '"':
		return false
	}
	return true
}

// textEntity matches an HTML character reference. LinkedIn's 2015-2016
// text parts were rendered through an HTML-escaping template: they carry
// "&amp;" inside URLs, "O&#39;Brien" in names and "&copy;" in footers.
var textEntity = regexp.MustCompile(`&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});`)

// unescapeText decodes the character references of a text-part line.
// Only complete references (with their ";") are decoded, so "AT&T" or
// "R&D" in a note stay as written.
//
// It finds what textEntity.ReplaceAllStringFunc(s, html.UnescapeString)
// finds, without the regexp: every link line of a text part has "&" in
// its query, and the regexp cost ~7 µs per message (FuzzUnescapeText
// holds the two equal).
func unescapeText(s string) string {
	i := strings.IndexByte(s, '&')
	if i < 0 {
		return s
	}
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i < len(s) {
		if n := entityLen(s[i:]); n > 0 {
			if b.Len() == 0 && done == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[done:i])
			b.WriteString(html.UnescapeString(s[i : i+n]))
			done = i + n
			i = done
		} else {
			i++
		}
		j := strings.IndexByte(s[i:], '&')
		if j < 0 {
			break
		}
		i += j
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// entityLen returns the length of the character reference textEntity
// matches at the start of s ("&amp;", "&#39;", "&#x2F;"), or 0.
func entityLen(s string) int {
	if len(s) < 3 || s[0] != '&' {
		return 0
	}
	isDigit := func(c byte) bool { return '0' <= c && c <= '9' }
	isHex := func(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
	isLetter := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
	// run counts the bytes of s from i on that ok accepts, up to max+1.
	run := func(i, max int, ok func(byte) bool) int {
		n := 0
		for i+n < len(s) && n <= max && ok(s[i+n]) {
			n++
		}
		return n
	}
	end := func(i int) int { // the length when s[i] closes the reference
		if i < len(s) && s[i] == ';' {
			return i + 1
		}
		return 0
	}
	switch {
	case s[1] == '#' && (s[2] == 'x' || s[2] == 'X'):
		if n := run(3, 6, isHex); n >= 1 && n <= 6 {
			return end(3 + n)
		}
		return 0
	case s[1] == '#':
		if n := run(2, 7, isDigit); n >= 1 && n <= 7 {
			return end(2 + n)
		}
		return 0
	case isLetter(s[1]):
		if n := run(2, 31, func(c byte) bool { return isLetter(c) || isDigit(c) }); n >= 1 && n <= 31 {
			return end(2 + n)
		}
	}
	return 0
}

// textLines splits a text/plain part into lines. A line holding a URL
// becomes a link whose text is what precedes the URL ("Accept:
// https://..." becomes "Accept"). A bare URL right under an action label
// ("Accept invitation from Jane Doe") is attached to that label.
func textLines(s string) []line {
	var out []line
	for _, raw := range strings.Split(s, "\n") {
		if len(raw) <= maxLineLen {
			// The CR of a CRLF line is space normalize would drop,
			// but it would make every line take normalize's slow path
			// (a longer line is cut by capLine first, as it was).
			raw = strings.TrimSuffix(raw, "\r")
		}
		raw = unescapeText(capLine(raw))
		start, us, ue, ok := findURL(raw)
		if !ok {
			out = append(out, line{text: normalize(raw)})
			continue
		}
		href := strings.TrimRight(raw[us:ue], ".,;)")
		if inner := unwrapLink(href); inner != href {
			// The wrapped link is written as the text wrote it.
			href = unescapeText(inner)
		}
		label := normalize(raw[:start])
		label = strings.TrimSpace(strings.TrimRight(label, ":"))
		if label == "" && len(out) > 0 {
			prev := &out[len(out)-1]
			if prev.href == "" && prev.text != "" && isActionLabel(prev.text) {
				prev.href = href
				continue
			}
		}
		out = append(out, line{text: label, href: href})
	}
	return out
}
