package inbox

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// htmlScanner gives the token stream of golang.org/x/net/html's
// Tokenizer (with CDATA not allowed, as the Tokenizer starts) over a whole
// document in memory, without its copies: Raw, tag names and attributes
// are slices of the document, and only text or attribute values with
// character references or carriage returns are copied. It follows the
// Tokenizer's states step by step (readTag, readRawOrRCDATA, readScript,
// readComment, ...), so the differential tests can hold it to the same
// tokens, raw spans and decoded text on any input.
//
// It does not take documents with NUL bytes (the Tokenizer replaces them
// depending on where they are): newHTMLScanner reports them. On a tag
// with very many attributes it stops with an ErrorToken and sets unsure.
type htmlScanner struct {
	doc        []byte
	start, pos int // the current token: doc[start:pos]
	d0, d1     int // its data: text, tag name, comment
	err        bool
	tt         html.TokenType
	rawTag     string // the raw text or RCDATA element the next token is in
	textIsRaw  bool
	attr       [][4]int // the current tag's attributes after dedup: key and value spans
	pend       [4]int
	nAttrRet   int
	unsure     bool
	keyBuf     [32]byte
	textBuf    []byte
	valBuf     []byte
}

// maxScanAttrs bounds the attributes of one tag (deduplication is
// quadratic).
const maxScanAttrs = 64

// newHTMLScanner returns a scanner over doc, or false if doc holds a NUL
// byte.
func newHTMLScanner(doc []byte) (*htmlScanner, bool) {
	if bytes.IndexByte(doc, 0) >= 0 {
		return nil, false
	}
	return &htmlScanner{doc: doc, attr: make([][4]int, 0, 8)}, true
}

// Raw returns the current token's bytes, a slice of the document.
func (z *htmlScanner) Raw() []byte { return z.doc[z.start:z.pos] }

func (z *htmlScanner) readByte() byte {
	if z.pos >= len(z.doc) {
		z.err = true
		return 0
	}
	c := z.doc[z.pos]
	z.pos++
	return c
}

func (z *htmlScanner) skipWhiteSpace() {
	if z.err {
		return
	}
	for z.pos < len(z.doc) {
		switch z.doc[z.pos] {
		case ' ', '\n', '\r', '\t', '\f':
			z.pos++
		default:
			return
		}
	}
	z.err = true
}

func (z *htmlScanner) readRawOrRCDATA() {
	if z.rawTag == "script" {
		z.readScript()
		z.textIsRaw = true
		z.rawTag = ""
		return
	}
	for {
		i := bytes.IndexByte(z.doc[z.pos:], '<')
		if i < 0 {
			z.pos = len(z.doc)
			z.err = true
			break
		}
		z.pos += i + 1
		c := z.readByte()
		if z.err {
			break
		}
		if c != '/' {
			z.pos--
			continue
		}
		if z.readRawEndTag() || z.err {
			break
		}
	}
	z.d1 = z.pos
	z.textIsRaw = z.rawTag != "textarea" && z.rawTag != "title"
	z.rawTag = ""
}

func (z *htmlScanner) readRawEndTag() bool {
	for i := 0; i < len(z.rawTag); i++ {
		c := z.readByte()
		if z.err {
			return false
		}
		if c != z.rawTag[i] && c != z.rawTag[i]-('a'-'A') {
			z.pos--
			return false
		}
	}
	c := z.readByte()
	if z.err {
		return false
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		z.pos -= 3 + len(z.rawTag)
		return true
	}
	z.pos--
	return false
}

// readScript is the Tokenizer's readScript: the script data states.
func (z *htmlScanner) readScript() {
	defer func() {
		z.d1 = z.pos
	}()
	var c byte

scriptData:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '<' {
		goto scriptDataLessThanSign
	}
	goto scriptData

scriptDataLessThanSign:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '/':
		goto scriptDataEndTagOpen
	case '!':
		goto scriptDataEscapeStart
	}
	z.pos--
	goto scriptData

scriptDataEndTagOpen:
	if z.readRawEndTag() || z.err {
		return
	}
	goto scriptData

scriptDataEscapeStart:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '-' {
		goto scriptDataEscapeStartDash
	}
	z.pos--
	goto scriptData

scriptDataEscapeStartDash:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '-' {
		goto scriptDataEscapedDashDash
	}
	z.pos--
	goto scriptData

scriptDataEscaped:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDash:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDashDash:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataEscaped

scriptDataEscapedLessThanSign:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '/' {
		goto scriptDataEscapedEndTagOpen
	}
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		goto scriptDataDoubleEscapeStart
	}
	z.pos--
	goto scriptData

scriptDataEscapedEndTagOpen:
	if z.readRawEndTag() || z.err {
		return
	}
	goto scriptDataEscaped

scriptDataDoubleEscapeStart:
	z.pos--
	for i := 0; i < len("script"); i++ {
		c = z.readByte()
		if z.err {
			return
		}
		if c != "script"[i] && c != "SCRIPT"[i] {
			z.pos--
			goto scriptDataEscaped
		}
	}
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		goto scriptDataDoubleEscaped
	}
	z.pos--
	goto scriptDataEscaped

scriptDataDoubleEscaped:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDash:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDashDash:
	c = z.readByte()
	if z.err {
		return
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedLessThanSign:
	c = z.readByte()
	if z.err {
		return
	}
	if c == '/' {
		goto scriptDataDoubleEscapeEnd
	}
	z.pos--
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapeEnd:
	if z.readRawEndTag() {
		z.pos += len("</script>")
		goto scriptDataEscaped
	}
	if z.err {
		return
	}
	goto scriptDataDoubleEscaped
}

func (z *htmlScanner) readComment() {
	z.d0 = z.pos
	defer func() {
		if z.d1 < z.d0 {
			z.d1 = z.d0
		}
	}()
	dashCount := 0
	beginning := true
	for {
		c := z.readByte()
		if z.err {
			z.d1 = z.abruptCommentDataEnd()
			return
		}
		switch c {
		case '-':
			dashCount++
			continue
		case '>':
			if dashCount >= 2 || beginning {
				z.d1 = z.pos - len("-->")
				return
			}
		case '!':
			if dashCount >= 2 {
				c = z.readByte()
				if z.err {
					z.d1 = z.abruptCommentDataEnd()
					return
				} else if c == '>' {
					z.d1 = z.pos - len("--!>")
					return
				} else if c == '-' {
					dashCount = 1
					beginning = false
					continue
				}
			}
		}
		dashCount = 0
		beginning = false
	}
}

func (z *htmlScanner) abruptCommentDataEnd() int {
	raw := z.Raw()
	if len(raw) >= len("<!--") {
		raw = raw[len("<!--"):]
		switch {
		case bytes.HasSuffix(raw, []byte("--!")):
			return z.pos - 3
		case bytes.HasSuffix(raw, []byte("--")):
			return z.pos - 2
		case bytes.HasSuffix(raw, []byte("-")):
			return z.pos - 1
		}
	}
	return z.pos
}

func (z *htmlScanner) readUntilCloseAngle() {
	z.d0 = z.pos
	i := bytes.IndexByte(z.doc[z.pos:], '>')
	if i < 0 {
		z.pos = len(z.doc)
		z.err = true
		z.d1 = z.pos
		return
	}
	z.pos += i + 1
	z.d1 = z.pos - 1
}

func (z *htmlScanner) readMarkupDeclaration() html.TokenType {
	z.d0 = z.pos
	var c [2]byte
	for i := 0; i < 2; i++ {
		c[i] = z.readByte()
		if z.err {
			z.d1 = z.pos
			if i == 1 && c[0] == '>' {
				z.d1--
			}
			return html.CommentToken
		}
	}
	if c[0] == '-' && c[1] == '-' {
		z.readComment()
		return html.CommentToken
	}
	z.pos -= 2
	if z.readDoctype() {
		return html.DoctypeToken
	}
	z.readUntilCloseAngle()
	return html.CommentToken
}

func (z *htmlScanner) readDoctype() bool {
	const s = "DOCTYPE"
	for i := 0; i < len(s); i++ {
		c := z.readByte()
		if z.err {
			z.pos = z.d0
			z.err = false
			return false
		}
		if c != s[i] && c != s[i]+('a'-'A') {
			z.pos = z.d0
			return false
		}
	}
	if z.skipWhiteSpace(); z.err {
		z.d0 = z.pos
		z.d1 = z.pos
		return true
	}
	z.readUntilCloseAngle()
	return true
}

// rawTagName returns the lower-case name of a raw text or RCDATA element,
// or "".
func rawTagName(name []byte) string {
	for _, s := range [...]string{"iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style",
		"textarea", "title", "xmp"} {
		if len(name) == len(s) && asciiLowerEqual(name, s) {
			return s
		}
	}
	return ""
}

// asciiLowerEqual reports whether b lower-cased (A-Z only) is s.
func asciiLowerEqual[S string | []byte](b []byte, s S) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c, d := b[i], s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

func (z *htmlScanner) readStartTag() html.TokenType {
	z.readTag(true)
	if z.err {
		return html.ErrorToken
	}
	if c := z.doc[z.d0] | 0x20; c == 'i' || c == 'n' || c == 'p' || c == 's' || c == 't' || c == 'x' {
		z.rawTag = rawTagName(z.doc[z.d0:z.d1])
	}
	n := len(z.attr)
	if z.doc[z.pos-2] == '/' && (n == 0 || z.pos-2 != z.attr[n-1][3]-1) {
		return html.SelfClosingTagToken
	}
	return html.StartTagToken
}

func (z *htmlScanner) readTag(saveAttr bool) {
	z.attr = z.attr[:0]
	z.nAttrRet = 0
	z.readTagName()
	if z.skipWhiteSpace(); z.err {
		return
	}
	for {
		c := z.readByte()
		if z.err || c == '>' {
			break
		}
		z.pos--
		z.readTagAttrKey()
		z.readTagAttrVal()
		if saveAttr && z.pend[0] != z.pend[1] && !z.dupKey() {
			if len(z.attr) == maxScanAttrs {
				z.unsure, z.err = true, true
				return
			}
			z.attr = append(z.attr, z.pend)
		}
		if z.skipWhiteSpace(); z.err {
			break
		}
	}
}

// dupKey reports whether the pending attribute's key is a saved one's.
func (z *htmlScanner) dupKey() bool {
	k := z.doc[z.pend[0]:z.pend[1]]
	for _, a := range z.attr {
		if asciiLowerEqual(k, z.doc[a[0]:a[1]]) {
			return true
		}
	}
	return false
}

func (z *htmlScanner) readTagName() {
	z.d0 = z.pos - 1
	for z.pos < len(z.doc) {
		c := z.doc[z.pos]
		z.pos++
		switch c {
		case ' ', '\n', '\r', '\t', '\f':
			z.d1 = z.pos - 1
			return
		case '/', '>':
			z.pos--
			z.d1 = z.pos
			return
		}
	}
	z.err = true
	z.d1 = z.pos
}

func (z *htmlScanner) readTagAttrKey() {
	z.pend[0] = z.pos
	for {
		c := z.readByte()
		if z.err {
			z.pend[1] = z.pos
			return
		}
		switch c {
		case '=':
			if z.pend[0]+1 == z.pos {
				continue
			}
			fallthrough
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			z.pos--
			z.pend[1] = z.pos
			return
		}
	}
}

func (z *htmlScanner) readTagAttrVal() {
	z.pend[2] = z.pos
	z.pend[3] = z.pos
	if z.skipWhiteSpace(); z.err {
		return
	}
	c := z.readByte()
	if z.err {
		return
	}
	if c == '/' {
		return
	}
	if c != '=' {
		z.pos--
		return
	}
	if z.skipWhiteSpace(); z.err {
		return
	}
	quote := z.readByte()
	if z.err {
		return
	}
	switch quote {
	case '>':
		z.pos--
		return
	case '\'', '"':
		z.pend[2] = z.pos
		i := bytes.IndexByte(z.doc[z.pos:], quote)
		if i < 0 {
			z.pos = len(z.doc)
			z.err = true
			z.pend[3] = z.pos
			return
		}
		z.pos += i + 1
		z.pend[3] = z.pos - 1
	default:
		z.pend[2] = z.pos - 1
		for {
			c := z.readByte()
			if z.err {
				z.pend[3] = z.pos
				return
			}
			switch c {
			case ' ', '\n', '\r', '\t', '\f':
				z.pend[3] = z.pos - 1
				return
			case '>':
				z.pos--
				z.pend[3] = z.pos
				return
			}
		}
	}
}

// Next scans the next token, as the Tokenizer's Next.
func (z *htmlScanner) Next() html.TokenType {
	z.start = z.pos
	z.d0, z.d1 = z.pos, z.pos
	if z.err {
		z.tt = html.ErrorToken
		return z.tt
	}
	if z.rawTag != "" {
		if z.rawTag == "plaintext" {
			z.pos = len(z.doc)
			z.err = true
			z.d1 = z.pos
			z.textIsRaw = true
		} else {
			z.readRawOrRCDATA()
		}
		if z.d1 > z.d0 {
			z.tt = html.TextToken
			return z.tt
		}
	}
	z.textIsRaw = false

loop:
	for {
		i := bytes.IndexByte(z.doc[z.pos:], '<')
		if i < 0 {
			z.pos = len(z.doc)
			z.err = true
			break loop
		}
		z.pos += i + 1
		c := z.readByte()
		if z.err {
			break loop
		}
		var tokenType html.TokenType
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			tokenType = html.StartTagToken
		case c == '/':
			tokenType = html.EndTagToken
		case c == '!' || c == '?':
			tokenType = html.CommentToken
		default:
			z.pos--
			continue
		}
		if x := z.pos - len("<a"); z.start < x {
			z.pos = x
			z.d1 = x
			z.tt = html.TextToken
			return z.tt
		}
		switch tokenType {
		case html.StartTagToken:
			z.tt = z.readStartTag()
			return z.tt
		case html.EndTagToken:
			c = z.readByte()
			if z.err {
				break loop
			}
			if c == '>' {
				z.tt = html.CommentToken
				return z.tt
			}
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				z.readTag(false)
				if z.err {
					z.tt = html.ErrorToken
				} else {
					z.tt = html.EndTagToken
				}
				return z.tt
			}
			z.pos--
			z.readUntilCloseAngle()
			z.tt = html.CommentToken
			return z.tt
		default:
			if c == '!' {
				z.tt = z.readMarkupDeclaration()
				return z.tt
			}
			z.pos--
			z.readUntilCloseAngle()
			z.tt = html.CommentToken
			return z.tt
		}
	}
	if z.start < z.pos {
		z.d1 = z.pos
		z.tt = html.TextToken
		return z.tt
	}
	z.tt = html.ErrorToken
	return z.tt
}

// Text is the Tokenizer's Text: the text, comment or doctype with
// newlines normalised and, unless raw text, character references
// decoded. The slice is the document's or, after decoding, a buffer that
// the next call reuses.
func (z *htmlScanner) Text() []byte {
	switch z.tt {
	case html.TextToken, html.CommentToken, html.DoctypeToken:
	default:
		return nil
	}
	s := z.doc[z.d0:z.d1]
	z.d0, z.d1 = z.pos, z.pos
	cr := bytes.IndexByte(s, '\r') >= 0
	amp := !z.textIsRaw && bytes.IndexByte(s, '&') >= 0
	if !cr && !amp {
		return s
	}
	if cr {
		z.textBuf = convertNewlines(append(z.textBuf[:0], s...))
		s = z.textBuf
	}
	if amp {
		if d, ok := unescapeFast(z.valBuf[:0], s, false); ok {
			z.valBuf = d
			return d
		}
		return []byte(html.UnescapeString(string(s)))
	}
	return s
}

// TagAttr is the Tokenizer's TagAttr: the next attribute of a start tag,
// its key lower-cased and its value decoded. Both are valid until the
// next call.
func (z *htmlScanner) TagAttr() (key, val []byte, more bool) {
	if z.nAttrRet >= len(z.attr) || z.tt != html.StartTagToken && z.tt != html.SelfClosingTagToken {
		return nil, nil, false
	}
	n := z.nAttrRet
	a := z.attr[n]
	z.nAttrRet++
	k := z.doc[a[0]:a[1]]
	if len(k) <= len(z.keyBuf) {
		key = z.keyBuf[:len(k)]
	} else {
		key = make([]byte, len(k))
	}
	for i, c := range k {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		key[i] = c
	}
	return key, z.attrVal(n, z.doc[a[2]:a[3]]), z.nAttrRet < len(z.attr)
}

// mayHide reports whether the current tag may have an attribute that
// hides the element: one named hidden, or a style that mayHideStyle
// takes or that must be decoded first.
func (z *htmlScanner) mayHide() bool {
	for _, a := range z.attr {
		k := z.doc[a[0]:a[1]]
		switch {
		case len(k) == len("hidden") && asciiLowerEqual(k, "hidden"):
			return true
		case len(k) == len("style") && asciiLowerEqual(k, "style"):
			v := z.doc[a[2]:a[3]]
			if bytes.IndexByte(v, '&') >= 0 || bytes.IndexByte(v, '\r') >= 0 || mayHideStyle(v) {
				return true
			}
		}
	}
	return false
}

// attrVal decodes the value v of the current tag's nth attribute.
func (z *htmlScanner) attrVal(n int, v []byte) []byte {
	cr := bytes.IndexByte(v, '\r') >= 0
	amp := bytes.IndexByte(v, '&') >= 0
	if !cr && !amp {
		return v
	}
	if cr {
		z.textBuf = convertNewlines(append(z.textBuf[:0], v...))
		v = z.textBuf
	}
	if !amp {
		return v
	}
	if d, ok := unescapeFast(z.valBuf[:0], v, true); ok {
		z.valBuf = d
		return d
	}
	// A reference only the entity table tells: let the Tokenizer read
	// the tag again.
	tz := html.NewTokenizer(bytes.NewReader(z.Raw()))
	tz.Next()
	for range n {
		tz.TagAttr()
	}
	_, val, _ := tz.TagAttr()
	return val
}

// convertNewlines is the Tokenizer's: "\r\n" and "\r" become "\n", in
// place.
func convertNewlines(s []byte) []byte {
	for i, c := range s {
		if c != '\r' {
			continue
		}
		src := i + 1
		if src >= len(s) || s[src] != '\n' {
			s[i] = '\n'
			continue
		}
		dst := i
		for src < len(s) {
			if s[src] == '\r' {
				if src+1 < len(s) && s[src+1] == '\n' {
					src++
				}
				s[dst] = '\n'
			} else {
				s[dst] = s[src]
			}
			src++
			dst++
		}
		return s[:dst]
	}
	return s
}

// fastEntities are named references decoded without the entity table:
// with their semicolon, each is found whole in it, in text and in
// attributes alike.
var fastEntities = map[string]string{
	"amp;": "&", "lt;": "<", "gt;": ">", "quot;": "\"", "apos;": "'", "nbsp;": "\u00a0",
	"zwnj;": "\u200c", "zwj;": "\u200d", "shy;": "\u00ad", "copy;": "\u00a9", "reg;": "\u00ae",
	"middot;": "\u00b7", "bull;": "\u2022", "hellip;": "\u2026", "ndash;": "\u2013", "mdash;": "\u2014",
	"lsquo;": "\u2018", "rsquo;": "\u2019", "ldquo;": "\u201c", "rdquo;": "\u201d", "trade;": "\u2122",
}

// replacementTable is the Tokenizer's: numeric references 0x80 to 0x9F
// name windows-1252 characters.
var replacementTable = [...]rune{
	'\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
	'\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
	'\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
	'\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
}

// unescapeFast appends s with its character references decoded to dst,
// as the Tokenizer decodes text (attribute false) or attribute values,
// or reports false if a reference needs the entity table: a name not in
// fastEntities, except where the rules keep the '&' whatever the name.
func unescapeFast(dst, s []byte, attribute bool) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '&' {
			j := bytes.IndexByte(s[i:], '&')
			if j < 0 {
				j = len(s) - i
			}
			dst = append(dst, s[i:i+j]...)
			i += j
			continue
		}
		r := s[i:]
		if len(r) > 1 && r[1] == '#' {
			x, n := numericRef(r)
			if n == 1 {
				dst = append(dst, '&')
			} else {
				dst = utf8.AppendRune(dst, x)
			}
			i += n
			continue
		}
		j := 1
		for j < len(r) && isASCIIAlnum(r[j]) {
			j++
		}
		switch {
		case j == 1:
			// No name: the '&' stays.
			dst = append(dst, '&')
			i++
		case j < len(r) && r[j] == ';':
			v, ok := fastEntities[string(r[1:j+1])]
			if !ok {
				return dst, false
			}
			dst = append(dst, v...)
			i += j + 1
		case attribute && j < len(r) && r[j] == '=':
			// "&name=" in an attribute: the '&' stays.
			dst = append(dst, '&')
			i++
		default:
			return dst, false
		}
	}
	return dst, true
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// numericRef decodes the numeric reference at the start of s ("&#..."),
// as the Tokenizer does, returning the rune and the bytes it takes; 1 if
// none (the '&' stays).
func numericRef(s []byte) (rune, int) {
	if len(s) <= 2 {
		return '&', 1
	}
	i := 2
	hex := false
	if c := s[i]; c == 'x' || c == 'X' {
		hex = true
		i++
	}
	i0 := i
	x := rune(0)
	for i < len(s) {
		c := s[i]
		var d, mult rune
		if hex {
			mult = 16
			switch {
			case '0' <= c && c <= '9':
				d = rune(c) - '0'
			case 'a' <= c && c <= 'f':
				d = rune(c) - 'a' + 10
			case 'A' <= c && c <= 'F':
				d = rune(c) - 'A' + 10
			default:
				goto done
			}
		} else {
			mult = 10
			if '0' <= c && c <= '9' {
				d = rune(c) - '0'
			} else {
				goto done
			}
		}
		if x <= 0x10FFFF {
			x = mult*x + d
		}
		i++
	}
done:
	if i == i0 {
		return '&', 1
	}
	if i < len(s) && s[i] == ';' {
		i++
	}
	if 0x80 <= x && x <= 0x9F {
		x = replacementTable[x-0x80]
	} else if x == 0 || (0xD800 <= x && x <= 0xDFFF) || x > 0x10FFFF {
		x = '\uFFFD'
	}
	return x, i
}
