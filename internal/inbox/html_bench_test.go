package inbox

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-message"
)

// htmlParts returns the text/html part of every fixture under testdata and
// of the real samples in /work/shared/samples/real (when present), keyed
// by file name.
func htmlParts(t testing.TB) map[string]string {
	t.Helper()
	paths := fixtures(t)
	if real, _ := filepath.Glob("/work/shared/samples/real/*.eml"); len(real) > 0 {
		paths = append(paths, real...)
	}
	parts := map[string]string{}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		e, err := message.Read(bytes.NewReader(data))
		if e == nil {
			continue
		}
		var b bodies
		if collectParts(e, &b, 0) != nil || !b.haveHTML || strings.TrimSpace(b.html) == "" {
			continue
		}
		parts[path] = b.html
	}
	if len(parts) == 0 {
		t.Fatal("no fixture has an html part")
	}
	return parts
}

// BenchmarkHTMLLines renders the html part of every fixture once per
// iteration.
func BenchmarkHTMLLines(b *testing.B) { benchmarkLines(b, htmlLines) }

// BenchmarkHTMLLinesTree is BenchmarkHTMLLines for the tree walk, the
// reference htmlLines falls back to.
func BenchmarkHTMLLinesTree(b *testing.B) { benchmarkLines(b, htmlLinesTree) }

func benchmarkLines(b *testing.B, render func(io.Reader) ([]line, error)) {
	parts := htmlParts(b)
	var size int64
	for _, p := range parts {
		size += int64(len(p))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range parts {
			if _, err := render(strings.NewReader(p)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
