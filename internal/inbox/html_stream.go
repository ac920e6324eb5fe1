package inbox

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlLines renders an HTML document as lines of visible text, each link's
// text carrying the link's href (entities decoded). Hidden elements are kept
// but marked, so the preheader can be read separately.
//
// It gives what htmlLinesTree gives (the walk over html.Parse's tree) but
// walks the tokens instead of building the tree: a stack of open elements
// carries the link, hidden and skipped state to the content, and the
// insertion rules of the HTML5 tree builder that notification emails need
// are reproduced (implied html, head and body, head contents, void
// elements, implied end tags of p, li, dd, dt, h1-h6 and table parts,
// implied tbody and tr, end tags that close the elements inside them or
// are ignored, raw text). On anything else, where the tree builder moves
// content around (foster parenting out of tables, misnested formatting
// elements, foreign content, form controls, ...), it starts again with
// htmlLinesTree, so the result is the same on every input.
//
// The tokens come from htmlScanner over the document in memory. A
// document with NUL bytes goes to the tree walk at once: the tree builder
// drops or replaces NUL depending on where it is.
func htmlLines(r io.Reader) ([]line, error) {
	var data []byte
	if sr, ok := r.(*strings.Reader); ok {
		data = make([]byte, sr.Len())
		if _, err := io.ReadFull(sr, data); err != nil {
			return nil, err
		}
	} else {
		var err error
		if data, err = io.ReadAll(r); err != nil {
			return nil, err
		}
	}
	if z, ok := newHTMLScanner(data); ok {
		w := streamWalker{tz: z}
		lines, err := w.run()
		if err != nil || !w.bail {
			return lines, err
		}
	}
	return htmlLinesTree(bytes.NewReader(data))
}

// Element properties for the streaming walk.
const (
	fSpecial    = 1 << iota // "special" category of the HTML parsing spec
	fBlock                  // blockElements: ends the current line
	fSkip                   // skipElements: holds no visible text
	fFormatting             // formatting element (active formatting list)
	fScope                  // bounds the default scope
	fRaw                    // raw text or RCDATA: the tokenizer reads up to the end tag
	fCloseP                 // closes an open p, then opens
	fTablePart              // caption, col, colgroup, tbody, td, tfoot, th, thead, tr
)

var elemFlags = func() map[atom.Atom]uint16 {
	m := map[atom.Atom]uint16{}
	for _, a := range []atom.Atom{atom.Address, atom.Applet, atom.Area, atom.Article, atom.Aside, atom.Base,
		atom.Basefont, atom.Bgsound, atom.Blockquote, atom.Body, atom.Br, atom.Button, atom.Caption, atom.Center,
		atom.Col, atom.Colgroup, atom.Dd, atom.Details, atom.Dir, atom.Div, atom.Dl, atom.Dt, atom.Embed,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.Frame, atom.Frameset, atom.H1,
		atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Head, atom.Header, atom.Hgroup, atom.Hr, atom.Html,
		atom.Iframe, atom.Img, atom.Input, atom.Keygen, atom.Li, atom.Link, atom.Listing, atom.Main, atom.Marquee,
		atom.Menu, atom.Meta, atom.Nav, atom.Noembed, atom.Noframes, atom.Noscript, atom.Object, atom.Ol, atom.P,
		atom.Param, atom.Plaintext, atom.Pre, atom.Script, atom.Section, atom.Select, atom.Source, atom.Style,
		atom.Summary, atom.Table, atom.Tbody, atom.Td, atom.Template, atom.Textarea, atom.Tfoot, atom.Th,
		atom.Thead, atom.Title, atom.Tr, atom.Track, atom.Ul, atom.Wbr, atom.Xmp} {
		m[a] |= fSpecial
	}
	for a, ok := range blockElements {
		if ok {
			m[a] |= fBlock
		}
	}
	for a, ok := range skipElements {
		if ok {
			m[a] |= fSkip
		}
	}
	for _, a := range []atom.Atom{atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.Nobr,
		atom.S, atom.Small, atom.Strike, atom.Strong, atom.Tt, atom.U} {
		m[a] |= fFormatting
	}
	for _, a := range []atom.Atom{atom.Applet, atom.Caption, atom.Html, atom.Table, atom.Td, atom.Th,
		atom.Marquee, atom.Object, atom.Template} {
		m[a] |= fScope
	}
	for _, a := range []atom.Atom{atom.Script, atom.Style, atom.Title, atom.Noscript, atom.Noframes,
		atom.Iframe, atom.Noembed, atom.Xmp} {
		m[a] |= fRaw
	}
	for _, a := range []atom.Atom{atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center,
		atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Header, atom.Hgroup, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Search,
		atom.Section, atom.Summary, atom.Ul, atom.Pre, atom.Listing, atom.Xmp} {
		m[a] |= fCloseP
	}
	for _, a := range []atom.Atom{atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot,
		atom.Th, atom.Thead, atom.Tr} {
		m[a] |= fTablePart
	}
	return m
}()

// Insertion modes, as far as the streaming walk tells them apart.
const (
	modeBody  = iota
	modeTable // the current node is a table
	modeTBody // tbody, thead or tfoot
	modeRow   // tr
	modeCell  // inside a td or th (in body rules, mostly)
)

// Scopes of the HTML parsing spec.
const (
	scopeDefault = iota
	scopeList
	scopeButton
	scopeTable
)

// Phases before the body: the initial, before html and before head
// modes, in head, after head.
const (
	phaseBeforeHead = iota
	phaseInHead
	phaseAfterHead
	phaseBody
)

// maxStreamDepth is where the streaming walk hands over to the tree
// walk, so that html.Parse's own limit on open elements (512) gives the
// same error.
const maxStreamDepth = 500

// selem is an open element.
type selem struct {
	a        atom.Atom
	name     string // for a == 0 only
	href     string // the link content is under
	before   int    // len(lines) when a link opened
	flags    uint16
	mode     uint8
	hidden   bool
	skip     bool
	hasChild bool
}

type streamWalker struct {
	tz    *htmlScanner
	stack []selem
	lines []line
	buf   []byte
	cut   bool              // buf holds the first maxLineLen bytes of a longer line
	names map[string]string // interned names of unknown elements

	href   string // the state of the text in buf
	hidden bool
	alt    string // alt text of the first image in the current link

	phase      int
	initial    bool // before anything but a doctype, comments and white space
	beforeHTML bool // an <html> start tag sets the root's attributes
	quirks     int  // 1: quirks mode, 0: no quirks, -1: not known
	form       bool // the form element pointer is set
	bail       bool // hand over to htmlLinesTree

	// The current tag.
	tag      atom.Atom
	tagName  []byte
	flags    uint16
	selfEnd  bool
	hasAttr  bool
	raw      []byte
	nameBuf  [32]byte
	attrRead bool
}

func (w *streamWalker) top() *selem { return &w.stack[len(w.stack)-1] }

func (w *streamWalker) run() ([]line, error) {
	w.stack = make([]selem, 1, 32)
	w.stack[0] = selem{a: atom.Html, flags: elemFlags[atom.Html]}
	w.initial, w.beforeHTML, w.quirks = true, true, 1
	for !w.bail {
		tt := w.tz.Next()
		if tt == html.ErrorToken {
			if w.tz.unsure {
				w.bail = true
				break
			}
			for len(w.stack) > 0 {
				w.pop()
			}
			w.flush()
			return w.lines, nil
		}
		w.raw = w.tz.Raw()
		switch tt {
		case html.TextToken:
			w.text()
		case html.StartTagToken, html.SelfClosingTagToken:
			w.readTag(tt == html.SelfClosingTagToken)
			w.hasAttr = len(w.tz.attr) > 0
			w.startTag()
		case html.EndTagToken:
			w.readTag(false)
			w.hasAttr = false
			w.endTag()
		case html.CommentToken:
			if w.phase == phaseBody {
				w.top().hasChild = true
			}
		case html.DoctypeToken:
			if w.initial {
				w.initial = false
				w.quirks = -1
				if d := bytes.TrimSpace(w.tz.Text()); len(d) == 4 && bytes.EqualFold(d, []byte("html")) {
					w.quirks = 0
				}
			}
		}
	}
	return nil, nil
}

// readTag reads the current tag's name from its raw text, as TagName
// would give it but without a copy.
func (w *streamWalker) readTag(selfEnd bool) {
	raw := w.raw
	i := 1
	if len(raw) > 1 && raw[1] == '/' {
		i = 2
	}
	j := i
	for j < len(raw) {
		c := raw[j]
		if c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '/' || c == '>' {
			break
		}
		j++
	}
	name := raw[i:j]
	var lower []byte
	if len(name) <= len(w.nameBuf) {
		lower = w.nameBuf[:len(name)]
	} else {
		lower = make([]byte, len(name))
	}
	for k, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[k] = c
	}
	w.tagName = lower
	w.tag = atom.Lookup(lower)
	if w.tag == atom.Image {
		w.tag = atom.Img
	}
	w.flags = elemFlags[w.tag]
	w.selfEnd = selfEnd
	w.attrRead = false
}

// attrs reads the current start tag's attributes: whether they hide the
// element, its href and its alt (the first of each name, as the
// tokenizer drops repeated attributes). It skips the decoding when no
// attribute may hide the element and no href or alt is wanted.
func (w *streamWalker) attrs(wantLink bool) (hidden bool, href string, hasHref bool, alt string) {
	if !w.hasAttr || w.attrRead {
		return false, "", false, ""
	}
	if !wantLink && !w.tz.mayHide() {
		return false, "", false, ""
	}
	w.attrRead = true
	hasAlt := false
	for more := true; more; {
		var k, v []byte
		k, v, more = w.tz.TagAttr()
		switch string(k) {
		case "hidden":
			hidden = true
		case "style":
			if !hidden && mayHideStyle(v) && hiddenStyle(string(v)) {
				hidden = true
			}
		case "href":
			if wantLink {
				href, hasHref = unwrapLink(strings.TrimSpace(string(v))), true
			}
		case "alt":
			if wantLink && !hasAlt {
				alt, hasAlt = string(v), true
			}
		}
	}
	return hidden, href, hasHref, alt
}

// flush ends the current line.
func (w *streamWalker) flush() {
	if len(w.buf) == 0 {
		return
	}
	if isASCIISpace(w.buf) {
		w.buf = w.buf[:0]
		return
	}
	s := string(w.buf)
	if w.cut {
		s = strings.ToValidUTF8(s, "") // as capLine
	}
	w.buf, w.cut = w.buf[:0], false
	if t := normalize(s); t != "" {
		w.lines = append(w.lines, line{text: t, href: w.href, hidden: w.hidden})
	}
}

func isASCIISpace(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\v', '\f', '\r':
		default:
			return false
		}
	}
	return true
}

// addText adds text to the current node.
func (w *streamWalker) addText(t []byte) {
	e := w.top()
	e.hasChild = true
	if e.skip {
		return
	}
	if w.href != e.href || w.hidden != e.hidden {
		w.flush()
		w.href, w.hidden = e.href, e.hidden
	}
	// Only the first maxLineLen bytes of a line are kept.
	if room := maxLineLen - len(w.buf); len(t) > room {
		t, w.cut = t[:room], true
	}
	w.buf = append(w.buf, t...)
}

// push opens the current tag as an element, running what the tree walk
// does on entering it.
func (w *streamWalker) push() {
	w.open(w.tag, w.flags)
}

// open opens an element: the current tag's (with its attributes) when a
// is w.tag, else an implied one.
func (w *streamWalker) open(a atom.Atom, flags uint16) {
	if len(w.stack) >= maxStreamDepth {
		w.bail = true
		return
	}
	p := w.top()
	p.hasChild = true
	e := selem{a: a, flags: flags, href: p.href, hidden: p.hidden, skip: p.skip || flags&fSkip != 0, mode: p.mode}
	if a == 0 {
		if w.names == nil {
			w.names = map[string]string{}
		}
		name, ok := w.names[string(w.tagName)]
		if !ok {
			name = string(w.tagName)
			w.names[name] = name
		}
		e.name = name
	}
	switch a {
	case atom.Table:
		e.mode = modeTable
	case atom.Tbody, atom.Thead, atom.Tfoot:
		e.mode = modeTBody
	case atom.Tr:
		e.mode = modeRow
	case atom.Td, atom.Th:
		e.mode = modeCell
	}
	if !e.skip {
		if a == w.tag {
			hid, href, hasHref, _ := w.attrs(a == atom.A)
			e.hidden = e.hidden || hid
			if hasHref {
				e.href = href
			}
		}
		if flags&fBlock != 0 || a == atom.A {
			w.flush()
		}
		e.before = len(w.lines)
		if a == atom.A {
			w.alt = ""
		}
	}
	w.stack = append(w.stack, e)
}

// void runs what the tree walk does on a void element.
func (w *streamWalker) void() {
	if len(w.stack) >= maxStreamDepth {
		w.bail = true
		return
	}
	p := w.top()
	p.hasChild = true
	if p.skip {
		return
	}
	if w.tag == atom.Img && p.href != "" && w.alt == "" {
		_, _, _, alt := w.attrs(true)
		w.alt = normalize(alt)
	}
	if w.flags&fBlock != 0 {
		w.flush()
		w.flush()
	}
}

// pop closes the current element, running what the tree walk does on
// leaving it.
func (w *streamWalker) pop() {
	e := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	if e.skip {
		return
	}
	if e.flags&fBlock != 0 || e.a == atom.A {
		w.flush()
	}
	if e.a == atom.A {
		if len(w.lines) == e.before && w.alt != "" && e.href != "" {
			w.lines = append(w.lines, line{text: capLine(w.alt), href: e.href, hidden: e.hidden})
		}
		w.alt = ""
	}
}

// popTo closes the elements from the current one down to stack[i]. A
// formatting element closed this way would be reopened by the tree
// builder for the content that follows, unless a cell closes under it.
func (w *streamWalker) popTo(i int) {
	cell := false
	for j := i; j < len(w.stack); j++ {
		switch e := &w.stack[j]; {
		case e.a == atom.Td || e.a == atom.Th:
			cell = true
		case e.flags&fFormatting != 0 && !cell:
			w.bail = true
			return
		}
	}
	for len(w.stack) > i {
		w.pop()
	}
}

// inScope returns the index of the nearest open element that match
// accepts, if it is in the given scope, or -1.
func (w *streamWalker) inScope(scope int, match func(*selem) bool) int {
	for i := len(w.stack) - 1; i >= 0; i-- {
		e := &w.stack[i]
		if match(e) {
			return i
		}
		switch scope {
		case scopeTable:
			if e.a == atom.Html || e.a == atom.Table || e.a == atom.Template {
				return -1
			}
			continue
		case scopeList:
			if e.a == atom.Ol || e.a == atom.Ul {
				return -1
			}
		case scopeButton:
			if e.a == atom.Button {
				return -1
			}
		}
		if e.flags&fScope != 0 {
			return -1
		}
	}
	return -1
}

func (w *streamWalker) inScopeAtom(scope int, a atom.Atom) int {
	return w.inScope(scope, func(e *selem) bool { return e.a == a })
}

func isP(e *selem) bool { return e.a == atom.P }

func isCell(e *selem) bool { return e.a == atom.Td || e.a == atom.Th }

func isHeading(e *selem) bool {
	switch e.a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// closeP closes a p element in button scope.
func (w *streamWalker) closeP() {
	if i := w.inScope(scopeButton, isP); i >= 0 {
		w.popTo(i)
	}
}

// text handles a text token.
func (w *streamWalker) text() {
	if w.top().skip {
		// Inside script, style, title or noscript.
		w.top().hasChild = true
		return
	}
	t := w.tz.Text()
	if w.phase < phaseBody {
		if len(bytes.Trim(t, whitespace)) == 0 {
			return
		}
		w.startBody(false)
	}
	w.initial = false
	if w.top().flags&fRaw != 0 {
		w.addText(t) // iframe, noembed, noframes, xmp
		return
	}
	switch w.top().mode {
	case modeTable, modeTBody, modeRow:
		if len(bytes.Trim(t, whitespace)) == 0 {
			return
		}
		w.bail = true // foster parenting
		return
	}
	if e := w.top(); (e.a == atom.Pre || e.a == atom.Listing) && !e.hasChild && len(t) > 0 && t[0] == '\n' {
		t = t[1:]
	}
	if len(t) == 0 {
		return
	}
	w.addText(t)
}

// whitespace is the parser's white space.
const whitespace = " \t\r\n\f"

// startBody opens the body element, the current tag's if explicit.
func (w *streamWalker) startBody(explicit bool) {
	w.phase = phaseBody
	w.initial, w.beforeHTML = false, false
	if explicit {
		w.open(atom.Body, elemFlags[atom.Body])
	} else {
		tag := w.tag
		w.tag = 0
		w.open(atom.Body, elemFlags[atom.Body])
		w.tag = tag
	}
}

func (w *streamWalker) startTag() {
	if w.phase < phaseBody {
		w.initial = false
		switch w.tag {
		case atom.Html:
			if w.beforeHTML {
				w.beforeHTML = false
				hid, _, _, _ := w.attrs(false)
				w.stack[0].hidden = hid
			} else if w.hasAttr {
				w.bail = true // attributes added to the root
			}
			return
		case atom.Head:
			if w.phase == phaseBeforeHead {
				w.phase = phaseInHead
			}
			w.beforeHTML = false
			return
		case atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta:
			w.beforeHTML = false
			if w.phase == phaseBeforeHead {
				w.phase = phaseInHead
			}
			return
		case atom.Noscript:
			if w.phase == phaseAfterHead {
				break // the body starts
			}
			fallthrough
		case atom.Title, atom.Style, atom.Script, atom.Noframes:
			w.beforeHTML = false
			if w.phase == phaseBeforeHead {
				w.phase = phaseInHead
			}
			// Head contents: skipped.
			w.open(w.tag, w.flags|fSkip)
			return
		case atom.Template, atom.Frameset:
			w.bail = true
			return
		case atom.Body:
			w.startBody(true)
			return
		}
		w.startBody(false)
	}
	for !w.bail {
		var done bool
		switch w.top().mode {
		case modeTable, modeTBody, modeRow:
			done = w.tableStart()
		case modeCell:
			if w.flags&fTablePart != 0 && w.tag != atom.Col && w.tag != atom.Colgroup && w.tag != atom.Caption {
				// Close the cell, then reprocess in the row.
				if i := w.inScope(scopeTable, isCell); i >= 0 {
					w.popTo(i)
					continue
				}
				return
			}
			if w.tag == atom.Caption || w.tag == atom.Col || w.tag == atom.Colgroup {
				w.bail = true
				return
			}
			done = w.bodyStart()
		default:
			done = w.bodyStart()
		}
		if done {
			return
		}
	}
}

// tableStart handles a start tag in a table, a table body or a row. It
// reports whether the tag is consumed (else the mode changed: go again).
func (w *streamWalker) tableStart() bool {
	e := w.top()
	switch w.tag {
	case atom.Caption, atom.Col, atom.Colgroup, atom.Template, atom.Input, atom.Form:
		w.bail = true
		return true
	case atom.Style, atom.Script:
		w.push()
		return true
	case atom.Table:
		if i := w.inScopeAtom(scopeTable, atom.Table); i >= 0 {
			w.popTo(i)
			return false
		}
		return true
	case atom.Tbody, atom.Tfoot, atom.Thead:
		switch e.mode {
		case modeTable:
			w.push()
			return true
		default:
			w.pop() // the row or the table body
			return false
		}
	case atom.Tr:
		switch e.mode {
		case modeTable:
			w.open(atom.Tbody, elemFlags[atom.Tbody])
			return false
		case modeTBody:
			w.push()
			return true
		default:
			w.pop()
			return false
		}
	case atom.Td, atom.Th:
		switch e.mode {
		case modeTable:
			w.open(atom.Tbody, elemFlags[atom.Tbody])
			return false
		case modeTBody:
			w.open(atom.Tr, elemFlags[atom.Tr])
			return false
		default:
			w.push()
			return true
		}
	}
	w.bail = true // foster parenting
	return true
}

// bodyStart handles a start tag in body (or a cell).
func (w *streamWalker) bodyStart() bool {
	switch w.tag {
	case atom.Html, atom.Body:
		if w.hasAttr {
			w.bail = true // attributes added to an open element
		}
	case atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta, atom.Area, atom.Br, atom.Embed,
		atom.Img, atom.Keygen, atom.Wbr, atom.Param, atom.Source, atom.Track:
		w.void()
	case atom.Input:
		if w.inScopeAtom(scopeDefault, atom.Select) >= 0 {
			w.bail = true
			return true
		}
		w.void()
	case atom.Hr:
		w.closeP()
		w.void()
	case atom.Script, atom.Style, atom.Title, atom.Noscript, atom.Noframes, atom.Iframe, atom.Noembed:
		w.push()
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.closeP()
		if isHeading(w.top()) {
			w.pop()
		}
		w.push()
	case atom.Form:
		if w.form {
			return true
		}
		w.closeP()
		w.push()
		w.form = true
	case atom.Li, atom.Dd, atom.Dt:
		for i := len(w.stack) - 1; i >= 0; i-- {
			e := &w.stack[i]
			if e.a == w.tag || w.tag != atom.Li && (e.a == atom.Dd || e.a == atom.Dt) {
				w.popTo(i)
				break
			}
			if e.flags&fSpecial != 0 && e.a != atom.Address && e.a != atom.Div && e.a != atom.P {
				break
			}
		}
		w.closeP()
		w.push()
	case atom.Button:
		if w.inScopeAtom(scopeDefault, atom.Button) >= 0 {
			w.bail = true
			return true
		}
		w.push()
	case atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.S, atom.Small, atom.Strike,
		atom.Strong, atom.Tt, atom.U, atom.Nobr:
		// A second open a, or a fourth identical formatting element,
		// makes the tree builder rearrange or forget elements.
		n := 0
		for i := len(w.stack) - 1; i >= 0; i-- {
			e := &w.stack[i]
			if isCell(e) {
				break
			}
			if e.a == w.tag {
				n++
			}
		}
		if n >= 3 || n > 0 && (w.tag == atom.A || w.tag == atom.Nobr) {
			w.bail = true
			return true
		}
		w.push()
	case atom.Table:
		if w.inScope(scopeButton, isP) >= 0 {
			switch w.quirks {
			case 0:
				w.closeP()
			case -1:
				w.bail = true
				return true
			}
		}
		w.push()
	case atom.Rb, atom.Rtc, atom.Rp, atom.Rt:
		if w.inScopeAtom(scopeDefault, atom.Ruby) >= 0 {
			w.bail = true
			return true
		}
		w.push()
	case atom.Caption, atom.Col, atom.Colgroup, atom.Frame, atom.Head, atom.Tbody, atom.Td, atom.Tfoot,
		atom.Th, atom.Thead, atom.Tr:
		// Ignored.
	case atom.Template, atom.Frameset, atom.Plaintext, atom.Applet, atom.Marquee, atom.Object, atom.Textarea,
		atom.Select, atom.Option, atom.Optgroup, atom.Math, atom.Svg:
		w.bail = true
	default:
		if w.flags&fCloseP != 0 {
			w.closeP()
		}
		w.push()
	}
	return true
}

func (w *streamWalker) endTag() {
	if w.top().flags&fRaw != 0 {
		// The tokenizer ends raw text only at its own end tag.
		w.pop()
		return
	}
	if w.phase < phaseBody {
		switch w.tag {
		case atom.Head:
			w.phase = phaseAfterHead
			w.beforeHTML = false
			return
		case atom.Body, atom.Html, atom.Br:
			w.startBody(false)
		default:
			return
		}
	}
	for !w.bail {
		var done bool
		switch w.top().mode {
		case modeTable, modeTBody, modeRow:
			done = w.tableEnd()
		case modeCell:
			done = w.cellEnd()
		default:
			done = w.bodyEnd()
		}
		if done {
			return
		}
	}
}

func (w *streamWalker) tableEnd() bool {
	e := w.top()
	switch w.tag {
	case atom.Table:
		if e.mode != modeTable {
			w.pop()
			return false
		}
		w.pop()
		return true
	case atom.Tbody, atom.Tfoot, atom.Thead:
		switch {
		case e.a == w.tag:
			w.pop()
		case e.mode == modeRow && w.inScopeAtom(scopeTable, w.tag) >= 0:
			w.pop()
			return false
		case w.inScopeAtom(scopeTable, w.tag) >= 0:
			w.bail = true
		}
		return true
	case atom.Tr:
		if e.mode == modeRow {
			w.pop()
		}
		return true
	case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html, atom.Td, atom.Th:
		return true
	case atom.P, atom.Br, atom.Form, atom.Template:
		w.bail = true
		return true
	}
	return w.bodyEnd()
}

func (w *streamWalker) cellEnd() bool {
	switch w.tag {
	case atom.Td, atom.Th:
		if i := w.inScopeAtom(scopeTable, w.tag); i >= 0 {
			w.popTo(i)
		}
		return true
	case atom.Body, atom.Caption, atom.Col, atom.Colgroup, atom.Html:
		return true
	case atom.Table, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr:
		if w.inScopeAtom(scopeTable, w.tag) < 0 {
			return true
		}
		if i := w.inScope(scopeTable, isCell); i >= 0 {
			w.popTo(i)
		}
		return false
	}
	return w.bodyEnd()
}

func (w *streamWalker) bodyEnd() bool {
	switch w.tag {
	case atom.Body, atom.Html, atom.Applet, atom.Marquee, atom.Object, atom.Template:
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Button, atom.Center, atom.Details,
		atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer,
		atom.Header, atom.Hgroup, atom.Listing, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.Pre, atom.Search,
		atom.Section, atom.Select, atom.Summary, atom.Ul, atom.Dd, atom.Dt:
		if i := w.inScopeAtom(scopeDefault, w.tag); i >= 0 {
			w.popTo(i)
		}
	case atom.Form:
		open := w.form
		w.form = false
		if !open {
			return true
		}
		if w.top().a == atom.Form {
			w.pop()
		} else if w.inScopeAtom(scopeDefault, atom.Form) >= 0 {
			w.bail = true
		}
	case atom.P:
		if i := w.inScope(scopeButton, isP); i >= 0 {
			w.popTo(i)
			return true
		}
		// An empty p.
		w.tag, w.hasAttr = atom.P, false
		w.push()
		w.pop()
	case atom.Li:
		if i := w.inScopeAtom(scopeList, atom.Li); i >= 0 {
			w.popTo(i)
		}
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		if i := w.inScope(scopeDefault, isHeading); i >= 0 {
			w.popTo(i)
		}
	case atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.Nobr, atom.S, atom.Small,
		atom.Strike, atom.Strong, atom.Tt, atom.U:
		w.formattingEnd()
	case atom.Br:
		w.flags, w.hasAttr = elemFlags[atom.Br], false
		w.void()
	default:
		w.otherEnd()
	}
	return true
}

// formattingEnd is the adoption agency algorithm, for the cases where it
// only closes the formatting element and what is open inside it.
func (w *streamWalker) formattingEnd() {
	f := -1
	for i := len(w.stack) - 1; i >= 0; i-- {
		e := &w.stack[i]
		if isCell(e) {
			break
		}
		if e.a == w.tag {
			f = i
			break
		}
	}
	if f < 0 {
		w.otherEnd()
		return
	}
	for j := f + 1; j < len(w.stack); j++ {
		e := &w.stack[j]
		switch {
		case e.flags&fScope != 0:
			return // not in scope: ignored
		case e.flags&(fSpecial|fFormatting) != 0:
			w.bail = true // a furthest block, or elements to reopen
			return
		}
	}
	for len(w.stack) > f {
		w.pop()
	}
}

// otherEnd is "any other end tag".
func (w *streamWalker) otherEnd() {
	for i := len(w.stack) - 1; i >= 0; i-- {
		e := &w.stack[i]
		if e.a == w.tag && (w.tag != 0 || e.name == string(w.tagName)) {
			w.popTo(i)
			return
		}
		if e.flags&fSpecial != 0 {
			return
		}
	}
}
