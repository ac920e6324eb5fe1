package inbox

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
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
	for _, f := range fixtureParts(t, paths) {
		if f.err != nil || !f.haveHTML || strings.TrimSpace(f.html) == "" {
			continue
		}
		parts[f.path] = f.html
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
