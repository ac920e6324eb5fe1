package inbox

import (
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

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

// htmlLinesTree is htmlLines over the full HTML5 tree that html.Parse
// builds. It is the reference for htmlLines, which falls back to it for
// the constructs its streaming walk does not model (foster parenting,
// misnested formatting elements, foreign content, forms controls, ...).
func htmlLinesTree(r io.Reader) ([]line, error) {
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
					href = unwrapLink(strings.TrimSpace(a.Val))
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
