package inbox

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// streamLines runs the streaming walk alone and reports whether it
// handed over to the tree walk.
func streamLines(s string) ([]line, bool, error) {
	z, ok := newHTMLScanner([]byte(s))
	if !ok {
		return nil, true, nil
	}
	w := streamWalker{tz: z}
	lines, err := w.run()
	return lines, w.bail, err
}

func diffLines(got, want []line) string {
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w line
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("line %d: got %+v, want %+v (%d lines, want %d)", i, g, w, len(got), len(want))
		}
	}
	return ""
}

// TestHTMLLinesMatchesTree checks that the streaming walk renders the html
// part of every fixture and real sample as the tree walk does, and
// without handing over to it.
func TestHTMLLinesMatchesTree(t *testing.T) {
	for path, part := range htmlParts(t) {
		want, werr := htmlLinesTree(strings.NewReader(part))
		got, err := htmlLines(strings.NewReader(part))
		if fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Errorf("%s: error %v, want %v", path, err, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %s", path, diffLines(got, want))
		}
		stream, bailed, err := streamLines(part)
		if bailed {
			t.Errorf("%s: the streaming walk handed over to the tree walk", path)
			continue
		}
		if err != nil || !reflect.DeepEqual(stream, want) {
			t.Errorf("%s: streaming walk: %v %s", path, err, diffLines(stream, want))
		}
	}
}

// htmlCases are small documents for the cases the streaming walk models
// and the ones it hands over.
var htmlCases = []string{
	"",
	"plain text",
	"  \n ",
	"<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body><p>a</p></body></html>",
	"<html hidden><body>x</body></html>",
	"<head><meta charset=utf-8><script>var x = '<p>';</script></head>after head<p>b",
	"<title>t</title>text before body<div>d</div>",
	"<p style=\"display:none\">pre<div>not hidden</div>",
	"<p style=\"DISPLAY : None !important\">hid</p><span style=\"opacity:0\">o</span><i style=\"max-height:0px\">m</i>",
	"<div hidden>h<a href=\" https://x \">link</a></div>after",
	"<a href=https://p><img alt=\" Jane  Doe \" src=x></a>",
	"<a href=https://p><img alt=\"A\"><img alt=\"B\"></a><a href=https://q>text<img alt=C></a>",
	"<a><img alt=noref></a><a href=\"\"><img alt=empty></a>",
	"<table><tr><td>a</td><td>b<td>c<tr><th>d</table>e",
	"<table>\n <tbody>\n <tr>\n <td>x</td>\n </tr>\n</tbody></table>",
	"<table><td><table><tr><td>inner</td></tr></table>outer</td></table>",
	"<table><tr><td><a href=u>cell link</td><td>next</td></tr></table>",
	"<table>foster<tr><td>x</td></tr></table>",
	"<table><div>foster</div></table>",
	"<ul><li>one<li>two<li><p>three</ul><dl><dt>t<dd>d<dt>t2</dl>",
	"<p>a<p>b</p>c</p>d",
	"<h1>a<h2>b</h1>c",
	"<pre>\nfirst</pre><listing>\nlisting</listing>x<listing><!--c-->\ny</listing>",
	"<div><span>x</div>y</span>z",
	"<b>x<p>y</b>z</p>",
	"<a href=1>x<a href=2>y</a>",
	"<a href=1><div>x</a>y</div>",
	"<p><a href=u>x</p>y",
	"<font><font><font><font>x</font></font></font></font>",
	"a<br>b</br>c<hr>d<wbr>e",
	"<br/><div/>x</div>y<span/>z",
	"x<o:p>y</o:p>z<custom-el>w</custom-el>",
	"<iframe><p>raw &amp;</iframe><xmp><b>xmp</xmp><noembed>n</noembed><noframes>f</noframes>",
	"<noscript><p>no</noscript>after",
	"<svg><text>s</text></svg><math><mi>m</mi></math>",
	"<select><option>o</select><textarea>\nt</textarea>",
	"<form><input type=text><form>inner</form></form><button>b<button>c</button>",
	"<object><param>o</object><template><p>t</template>",
	"&amp; &lt;tag&gt; &nbsp;x&#8203;y &copy",
	"<p>a\x00b</p>",
	"<html><body>x</body></html>after<p>y</p>",
	"<body style=\"visibility:hidden\">x<body>y",
	"<body>x<body style=\"display:none\">y",
	"<div style=\"display&#58;none\">entity</div>",
	"<div style=\"overflow:hidden\">o</div><div class=x\nHIDDEN>h</div><div a=\"b\"hidden>q</div><div/hidden>s</div>",
	"<td style=\"display:block;border:none\">b</td><span style=\"display\u00a0:\u00a0none\">n</span>",
	"<table><caption>c</caption><colgroup><col></colgroup><tr><td>x</table>",
	"<p><table><tr><td>in p</table>",
	"<!DOCTYPE html><p><table><tr><td>in p</table>",
	"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"><p><table><tr><td>x</table>",
	"</p>a</br>b</div></a></td></table></body></html>",
	"<frameset><frame></frameset>",
	"<plaintext><p>plain",
	"<ruby>a<rt>b</rt></ruby>",
	"<nobr>a<nobr>b",
	"<script>unterminated",
	"<a href=x>" + strings.Repeat("long ", 3000) + "</a>",
	strings.Repeat("<div>", 600) + "deep",
	strings.Repeat("<span>", 520) + "deep",
	"é\u200b\u00a0x <p>\xff\xfe</p>",
}

func TestHTMLLinesCases(t *testing.T) {
	for _, c := range htmlCases {
		want, werr := htmlLinesTree(strings.NewReader(c))
		got, err := htmlLines(strings.NewReader(c))
		if fmt.Sprint(err) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%.80q: error %v (want %v); %s", c, err, werr, diffLines(got, want))
		}
		// Through a reader that cannot seek.
		got, err = htmlLines(io.MultiReader(strings.NewReader(c)))
		if fmt.Sprint(err) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%.80q (no Seek): error %v (want %v); %s", c, err, werr, diffLines(got, want))
		}
	}
}

// TestHiddenStyle checks the quick rejection of hiddenStyle.
func TestHiddenStyle(t *testing.T) {
	for style, want := range map[string]bool{
		"":                                false,
		"color:red":                       false,
		"display:none":                    true,
		" DISPLAY : NONE !important ":     true,
		"display:block;visibility:hidden": true,
		"Visibility:Hidden":               true,
		"opacity:0":                       true,
		"opacity: 0.0":                    true,
		"max-height:0px;overflow:hidden":  true,
		"MAX-HEIGHT:0%":                   true,
		"max-height:10px":                 false,
		"display:nonexistent":             false,
		"font-family:display;opacity:1":   false,
		"mso-hide:all;display:none":       true,
		"displaynone":                     false,
		"\u212Aisplay:none":               false,
	} {
		if got := hiddenStyle(style); got != want {
			t.Errorf("hiddenStyle(%q) = %v, want %v", style, got, want)
		}
	}
}

// TestReadTag checks that the tag names read from the raw tags are
// TagName's.
func TestReadTag(t *testing.T) {
	docs := []string{"<DIV><Br/><o:P x=1></o:P><a\thref=x><IMG\nsrc=y></A></div\f><x-Y/><image>"}
	for _, p := range htmlParts(t) {
		docs = append(docs, p)
	}
	docs = append(docs, htmlCases...)
	for _, d := range docs {
		z1 := html.NewTokenizer(strings.NewReader(d))
		z2 := html.NewTokenizer(strings.NewReader(d))
		w := streamWalker{}
		for {
			tt := z1.Next()
			z2.Next()
			if tt == html.ErrorToken {
				break
			}
			if tt != html.StartTagToken && tt != html.EndTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			w.raw = z1.Raw()
			if bytes.IndexByte(w.raw, 0) >= 0 {
				continue
			}
			w.readTag(false)
			name, _ := z2.TagName()
			if !bytes.Equal(w.tagName, name) {
				t.Errorf("tag %q: name %q, TagName %q", w.raw, w.tagName, name)
			}
		}
	}
}

// FuzzHTMLLines checks that htmlLines gives what the tree walk gives on
// any input, that its lines are normalized and capped, and that the
// streaming walk alone does too whenever it does not hand over.
func FuzzHTMLLines(f *testing.F) {
	for _, p := range htmlParts(f) {
		f.Add(p)
	}
	for _, c := range htmlCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := htmlLines(strings.NewReader(s))
		want, werr := htmlLinesTree(strings.NewReader(s))
		if fmt.Sprint(err) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("error %v (want %v); %s", err, werr, diffLines(got, want))
		}
		for _, l := range got {
			if l.text == "" || normalize(l.text) != l.text || len(l.text) > maxLineLen || !utf8.ValidString(l.text) && utf8.ValidString(s) {
				t.Fatalf("line %q is not normalized and capped", l.text)
			}
		}
	})
}

// soupTags are the tags TestHTMLLinesTagSoup draws from: the ones of
// notification emails, plus some the streaming walk hands over on.
var soupTags = []string{
	"html", "head", "body", "title", "style", "script", "meta", "link", "div", "p", "span", "a", "b", "i",
	"font", "strong", "em", "u", "center", "table", "tbody", "thead", "tr", "td", "th", "br", "hr", "img",
	"ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "pre", "listing", "blockquote", "section", "o:p",
	"form", "input", "button", "noscript", "iframe", "xmp", "nobr", "caption", "col", "svg", "select",
	"textarea", "template", "object", "image", "wbr", "sup", "label", "custom-x",
}

var soupAttrs = []string{
	"", "", "", " href=\"https://x.test/a?b=1&amp;c=2\"", " href=' https://y.test '", " href=\"\"",
	" style=\"display:none\"", " style=\"color:red;display:block\"", " STYLE=\"Max-Height:0px\"",
	" style=\"opacity:0.0\"", " hidden", " alt=\"Jane Doe\"", " alt=\"\"", " alt=x href=z",
	" style=\"visibility:hidden\" href=h", " class=c width=10",
}

var soupTexts = []string{
	"x", "Jane Doe", " ", "\n", "  two  words ", "&amp;", "&nbsp;", "\u200b", "é", "a&lt;b", "\t",
}

// TestHTMLLinesTagSoup compares htmlLines with the tree walk on random tag
// soup, and checks that the streaming walk handles much of it itself.
func TestHTMLLinesTagSoup(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	seed := uint64(1)
	rnd := func(k int) int {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return int(seed % uint64(k))
	}
	streamed := 0
	var b strings.Builder
	for range n {
		b.Reset()
		if rnd(3) == 0 {
			b.WriteString("<!DOCTYPE html>")
		}
		for range 1 + rnd(30) {
			switch rnd(4) {
			case 0:
				b.WriteString(soupTexts[rnd(len(soupTexts))])
			case 1, 2:
				b.WriteString("<" + soupTags[rnd(len(soupTags))] + soupAttrs[rnd(len(soupAttrs))])
				if rnd(8) == 0 {
					b.WriteString("/")
				}
				b.WriteString(">")
			default:
				b.WriteString("</" + soupTags[rnd(len(soupTags))] + ">")
			}
		}
		s := b.String()
		want, werr := htmlLinesTree(strings.NewReader(s))
		got, err := htmlLines(strings.NewReader(s))
		if fmt.Sprint(err) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: error %v (want %v); %s", s, err, werr, diffLines(got, want))
		}
		if _, bailed, _ := streamLines(s); !bailed {
			streamed++
		}
	}
	t.Logf("streamed %d of %d documents without the tree", streamed, n)
	if streamed < n/5 {
		t.Errorf("the streaming walk handed over on %d of %d documents", n-streamed, n)
	}
}
