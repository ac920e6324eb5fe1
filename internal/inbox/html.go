package inbox

import (
	"io"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
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
	if isNormalASCII(s) {
		return s
	}
	if !utf8.ValidString(s) {
		// Removing an invisible character could join stray bytes
		// into a rune: keep the two steps apart.
		s = invisible.Replace(s)
		return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case isInvisible(r):
		case unicode.IsSpace(r):
			space = true
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isInvisible reports whether invisible removes r.
func isInvisible(r rune) bool {
	switch r {
	case '\u034f', '\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '\ufeff', '\u200e', '\u200f':
		return true
	}
	return false
}

// isNormalASCII reports whether s is ASCII text that normalize leaves as
// it is: no control or space character but single inner spaces. (No ASCII
// character is invisible, and the only ASCII spaces are the ones below.)
func isNormalASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && s[i+1] == ' ':
			return false
		}
	}
	return true
}

// blockElements end the current line before and after them.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Td: true, atom.Th: true, atom.Tr: true,
	atom.Table: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Br: true,
	atom.Center: true, atom.Blockquote: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Hr: true,
	atom.Pre: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Body: true,
}

// skipElements hold no visible text.
var skipElements = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Title: true,
	atom.Noscript: true, atom.Template: true, atom.Svg: true, atom.Object: true,
}

// isHidden reports whether an element hides its content: the preheader
// pattern of notification emails (display:none, visibility:hidden,
// opacity:0, max-height:0).
func isHidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "style":
			if hiddenStyle(a.Val) {
				return true
			}
		}
	}
	return false
}

// hiddenStyle reports whether a style attribute hides the element.
func hiddenStyle(style string) bool {
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

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// maxHTMLDepth bounds the recursion over hostile, deeply nested HTML (the
// parser itself caps the tree at 512 levels).
const maxHTMLDepth = 600

// htmlLines renders an HTML document as lines of visible text, each link's
// text carrying the link's href (entities decoded). Hidden elements are kept
// but marked, so the preheader can be read separately.
func htmlLines(r io.Reader) ([]line, error) {
	doc, err := html.Parse(r)
	if err != nil {
		return nil, err
	}
	w := &htmlWalker{}
	w.walk(doc, "", false, 0)
	w.flush()
	return w.lines, nil
}

type htmlWalker struct {
	alt    string // alt text of the first image in the current link
	lines  []line
	buf    strings.Builder
	href   string
	hidden bool
}

func (w *htmlWalker) flush() {
	t := normalize(capLine(w.buf.String()))
	w.buf.Reset()
	if t == "" {
		return
	}
	w.lines = append(w.lines, line{text: t, href: w.href, hidden: w.hidden})
}

func (w *htmlWalker) walk(n *html.Node, href string, hidden bool, depth int) {
	if depth > maxHTMLDepth {
		return
	}
	switch n.Type {
	case html.TextNode:
		if w.href != href || w.hidden != hidden {
			w.flush()
			w.href, w.hidden = href, hidden
		}
		w.buf.WriteString(n.Data)
		return
	case html.ElementNode:
		if skipElements[n.DataAtom] {
			return
		}
		if isHidden(n) {
			hidden = true
		}
		block := blockElements[n.DataAtom]
		isLink := n.DataAtom == atom.A
		if isLink {
			for _, a := range n.Attr {
				if strings.EqualFold(a.Key, "href") {
					href = strings.TrimSpace(a.Val)
				}
			}
			block = true
		}
		if n.DataAtom == atom.Img && href != "" && w.alt == "" {
			w.alt = normalize(attr(n, "alt"))
		}
		if block {
			w.flush()
		}
		before := len(w.lines)
		if isLink {
			w.alt = ""
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c, href, hidden, depth+1)
		}
		if block {
			w.flush()
		}
		if isLink {
			// A photo link without text: its image's alt text names
			// the person ("<a href=profile><img alt="Jane Doe"></a>").
			if len(w.lines) == before && w.alt != "" && href != "" {
				w.lines = append(w.lines, line{text: capLine(w.alt), href: href, hidden: hidden})
			}
			w.alt = ""
		}
		return
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c, href, hidden, depth+1)
		}
	}
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
func unescapeText(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return textEntity.ReplaceAllStringFunc(s, html.UnescapeString)
}

// textLines splits a text/plain part into lines. A line holding a URL
// becomes a link whose text is what precedes the URL ("Accept:
// https://..." becomes "Accept"). A bare URL right under an action label
// ("Accept invitation from Jane Doe") is attached to that label.
func textLines(s string) []line {
	var out []line
	for _, raw := range strings.Split(s, "\n") {
		raw = unescapeText(capLine(raw))
		start, us, ue, ok := findURL(raw)
		if !ok {
			out = append(out, line{text: normalize(raw)})
			continue
		}
		href := strings.TrimRight(raw[us:ue], ".,;)")
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
