package inbox

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/emersion/go-message"
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
	for _, path := range fixtures(b) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		e, err := message.Read(bytes.NewReader(data))
		if e == nil {
			continue
		}
		var in input
		fillHeader(&in.msg, e.Header)
		in.h = mail.Header{Header: e.Header}
		var bs bodies
		if collectParts(e, &bs, 0) != nil {
			continue
		}
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
