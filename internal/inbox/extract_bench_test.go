package inbox

import (
	"strings"
	"testing"

	"github.com/emersion/go-message/mail"
)

// BenchmarkAnalyse times what analyse does after rendering the parts to
// lines (the card reader, the recipient, the preheader, merging), over
// every fixture per iteration.
func BenchmarkAnalyse(b *testing.B) {
	type input struct {
		msg        Message
		h          mail.Header
		html, text []line
	}
	var ins []input
	for _, f := range fixtureParts(b, fixtures(b)) {
		if f.err != nil {
			continue
		}
		in := input{msg: f.msg, h: mail.Header{Header: f.header}}
		bs := f.bodies
		var err error
		if bs.haveHTML && strings.TrimSpace(bs.html) != "" {
			if in.html, err = htmlLines(strings.NewReader(bs.html)); err != nil {
				continue
			}
		}
		if bs.haveText && strings.TrimSpace(bs.text) != "" {
			in.text = textLines(bs.text)
		}
		ins = append(ins, in)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, in := range ins {
			var hd, td *doc
			if in.html != nil {
				hd = newDoc(in.html, false)
			}
			if in.text != nil {
				td = newDoc(in.text, true)
			}
			analyseDocs(in.msg, in.h, hd, td)
		}
	}
}
