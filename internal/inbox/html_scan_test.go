package inbox

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// tokenSource is what html.Tokenizer and htmlScanner have in common.
type tokenSource interface {
	Next() html.TokenType
	Raw() []byte
	Text() []byte
	TagAttr() (key, val []byte, more bool)
}

// tagName returns the current tag's name as TagName gives it.
func (z *htmlScanner) tagName() []byte {
	switch z.tt {
	case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
		name := bytes.Clone(z.doc[z.d0:z.d1])
		for i, c := range name {
			if 'A' <= c && c <= 'Z' {
				name[i] = c + 'a' - 'A'
			}
		}
		return name
	}
	return nil
}

// tokenStream renders the tokens of z as text: type, raw bytes, and the
// decoded data or the tag name and attributes.
func tokenStream(z tokenSource, name func() []byte) (toks []string, unsure bool) {
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if s, ok := z.(*htmlScanner); ok && s.unsure {
				return toks, true
			}
			return toks, false
		}
		// Raw before Text: the Tokenizer converts newlines in place.
		t := fmt.Sprintf("%v raw=%q", tt, z.Raw())
		switch tt {
		case html.TextToken, html.CommentToken, html.DoctypeToken:
			t += fmt.Sprintf(" data=%q", z.Text())
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			t += fmt.Sprintf(" name=%q", name())
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				if k != nil {
					t += fmt.Sprintf(" %q=%q", k, v)
				}
			}
		}
		toks = append(toks, t)
	}
}

// compareScanner checks that the scanner gives the Tokenizer's tokens on
// doc, unless it refuses doc or stops unsure; it reports whether it did
// neither.
func compareScanner(t *testing.T, doc string) bool {
	t.Helper()
	want, _ := func() ([]string, bool) {
		z := html.NewTokenizer(strings.NewReader(doc))
		return tokenStream(z, func() []byte { n, _ := z.TagName(); return n })
	}()
	s, ok := newHTMLScanner([]byte(doc))
	if !ok {
		if !strings.Contains(doc, "\x00") {
			t.Fatalf("%.200q: the scanner refused a document without NUL", doc)
		}
		return false
	}
	got, unsure := tokenStream(s, s.tagName)
	if unsure {
		// The tokens up to there must agree still.
		if len(got) > len(want) {
			t.Fatalf("%.200q: %d tokens before unsure, the Tokenizer gives %d", doc, len(got), len(want))
		}
		want = want[:len(got)]
	}
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("%.200q: token %d:\n got %.300s\nwant %.300s", doc, i, g, w)
		}
	}
	return !unsure
}

// scanCases exercise the Tokenizer's states.
var scanCases = []string{
	"", "<", "<a", "</", "</a", "<!", "<!-", "<!>", "<!-->", "<!--->", "<!---->", "<!-- x --!>", "<!-- x --!",
	"<!-- x --", "<!-- x -", "<!-- x", "<!--x--!-y-->", "<?xml v?>", "<?x", "</>", "</ x>", "</3>", "<3>", "a<b",
	"a < b", "<<a>>", "<a/>", "<a / >", "<a b/>", "<a b=c/>", "<a b='c'/>", "<a x=a/ x=b/>", "<a x=1 X=2 x=3>",
	"<a =x>", "<a ==x>", "<a x= >", "<a x=>", "<a x='1>", "<a x\"y=z>", "<A HREF=\"X\">", "<a\thref\n=\r'v'\f>",
	"<br/ >", "</a b=c>", "</a/>", "<!DOCTYPE html>", "<!doctype HTML>", "<!DOCTYPE", "<!DOCTYPE ", "<!DOCTY",
	"<!DOCTYPEhtml>", "<!dOcTyPe x>", "<![CDATA[x]]>", "<!x>", "<!--a&amp;b-->", "<!DOCTYPE &amp;>",
	"<style>a</style>", "<style>a</STYLE >", "<style>a</styl", "<style>a</stylex></style>", "<style/>x</style>",
	"<style></style>", "<title>a&amp;b<b></title>", "<textarea>\r\nx&lt;</textarea>", "<xmp>&amp;</xmp>",
	"<iframe>x", "<noscript><p></noscript>", "<noembed>a</noembed><noframes>b</noframes>", "<plaintext>a</plaintext>",
	"<plaintext>", "<script>a</script>", "<script><!--<script>x</script>--></script>y",
	"<script><!-- a -- > </script>", "<script><!--<script></script></script>z", "<script><!---->x</script>",
	"<script><!--x</script>", "<script>a<!--b<SCRIPT>c</script>d--></script>e", "<script>a<!-<",
	"a\r\nb\rc", "<a href='x\r\ny'>", "&amp;&lt;&gt;&quot;&apos;&nbsp;&copy&copy;&notit;&notin;&ampx;&;& &#",
	"&#38;&#x26;&#X3c;&#128;&#0;&#xD800;&#1114112;&#99999999999;&#x;&#a&#12a", "AT&T &b &amp",
	"<a href=\"?a=1&b=2&amp;c=3&lt=4&not=5&notin;&copy;&#38;&#x41;&zwnj;&foo;&ampx;\">",
	"<a href='&amp' x='&lt' y='&lt;x' z='&notit' w='&=' v='&a=b&=&#=&#x='>", "<a title=\"&fjlig;&NotEqualTilde;\">",
	"<a x=\"&nbsp;&middot;&bull;&hellip;&ndash;&mdash;&lsquo;&rsquo;&ldquo;&rdquo;&trade;&reg;&shy;&zwj;\">",
	"<DIV CLASS=a class=b>x</div>", "<a\x00b>", "a\x00b", "<A\xff>", "<A\u212a x\u212a=1 X\u212a=2>",
}

func TestScannerCases(t *testing.T) {
	for _, c := range scanCases {
		compareScanner(t, c)
	}
	for _, c := range htmlCases {
		compareScanner(t, c)
	}
}

// TestScannerFixtures checks that the scanner takes every fixture and
// real sample as the Tokenizer does.
func TestScannerFixtures(t *testing.T) {
	for path, part := range htmlParts(t) {
		if !compareScanner(t, part) {
			t.Errorf("%s: the scanner did not take the document", path)
		}
	}
}

// TestScannerManyAttrs checks that a tag with too many attributes stops
// the scanner unsure, and htmlLines still gives the tree walk's lines.
func TestScannerManyAttrs(t *testing.T) {
	var b strings.Builder
	b.WriteString("<p>a</p><div")
	for i := range maxScanAttrs + 1 {
		fmt.Fprintf(&b, " a%d=%d", i, i)
	}
	b.WriteString(">x</div>")
	if compareScanner(t, b.String()) {
		t.Error("the scanner took a tag with too many attributes")
	}
	want, _ := htmlLinesTree(strings.NewReader(b.String()))
	got, err := htmlLines(strings.NewReader(b.String()))
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v %v, want %v", got, err, want)
	}
}

// TestFastEntities checks each entity unescapeFast knows against the
// Tokenizer's table, in text and in attributes.
func TestFastEntities(t *testing.T) {
	for name, v := range fastEntities {
		if got := html.UnescapeString("&" + name); got != v {
			t.Errorf("&%s: %q, the table has %q", name, v, got)
		}
		compareScanner(t, "<a x=\"&"+name+"\">&"+name)
	}
}

// TestScannerAllocs checks that the scanner does not allocate per token:
// only itself, its attribute list and the buffer values are decoded in.
func TestScannerAllocs(t *testing.T) {
	doc := []byte("<!DOCTYPE html><html><head><style>p{}</style></head><body>" + strings.Repeat("<div class=\"x\" "+
		"style=\"color:red\"><a href=\"https://x.test/a?b=1&amp;c=2\" target=_blank>link</a><br/>text&amp;</div>", 20) +
		"</body></html>")
	allocs := testing.AllocsPerRun(100, func() {
		z, _ := newHTMLScanner(doc)
		for z.Next() != html.ErrorToken {
			z.Text()
			for more := true; more; {
				_, _, more = z.TagAttr()
			}
		}
	})
	if allocs > 3 {
		t.Errorf("%v allocations per document, want at most 3", allocs)
	}
}

// FuzzHTMLScanner checks the scanner against the Tokenizer on any input.
func FuzzHTMLScanner(f *testing.F) {
	for _, p := range htmlParts(f) {
		f.Add(p)
	}
	for _, c := range htmlCases {
		f.Add(c)
	}
	for _, c := range scanCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		compareScanner(t, s)
	})
}

// scanPieces are the fragments TestScannerSoup draws from: the bytes the
// Tokenizer's states turn on.
var scanPieces = []string{
	"<", ">", "/", "!", "?", "-", "--", "=", "'", "\"", " ", "\t", "\n", "\r", "\r\n", "\f", "&", ";", "#", "x",
	"a", "A", "b", "p", "3", "é", "\xff", "<a", "</a", "<A", "<p", "</", "<!--", "-->", "--!>", "<!DOCTYPE",
	"<!doctype html>", "<!", "<?", "<script>", "</script>", "<SCRIPT", "<!--<script>", "<style>", "</style",
	"<title>", "</title>", "<textarea>", "<xmp>", "<plaintext>", "<iframe>", "</iframe>", "<noscript>",
	"href=", "HREF", "style=", "hidden", " x=1", " x='", "/>", "&amp;", "&amp", "&lt=", "&not", "&notin;",
	"&nbsp;", "&#", "&#x", "&#39;", "&#128;", "&#x1F600;", "&copy;", "&b=", "&zwnj;", "&foo;", "&;",
}

// TestScannerSoup compares the scanner with the Tokenizer on random
// sequences of the fragments their states turn on.
func TestScannerSoup(t *testing.T) {
	n := 30000
	if testing.Short() {
		n = 3000
	}
	seed := uint64(7)
	rnd := func(k int) int {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return int(seed % uint64(k))
	}
	var b strings.Builder
	for range n {
		b.Reset()
		for range 1 + rnd(24) {
			b.WriteString(scanPieces[rnd(len(scanPieces))])
		}
		compareScanner(t, b.String())
	}
}
