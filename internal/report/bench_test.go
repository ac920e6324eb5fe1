package report

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

// BenchmarkExplain runs the whole per-message pipeline (parse, score, draft,
// JSON record) over every .eml fixture of the inbox package and reports
// messages per second: the figure the sweep's CPU cost per message rests on.
func BenchmarkExplain(b *testing.B) {
	var msgs [][]byte
	err := filepath.WalkDir("../inbox/testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".eml") || strings.Contains(path, "malformed") {
			return err
		}
		data, err := os.ReadFile(path)
		msgs = append(msgs, data)
		return err
	})
	if err != nil || len(msgs) == 0 {
		b.Fatalf("reading fixtures: %v (%d found)", err, len(msgs))
	}
	p, err := policy.New(policy.Defaults(), policy.Me{})
	if err != nil {
		b.Fatal(err)
	}
	d, err := reply.New(reply.Config{})
	if err != nil {
		b.Fatal(err)
	}
	seq := func(yield func(inbox.Raw, error) bool) {
		for _, m := range msgs {
			if !yield(inbox.Raw{Source: "bench.eml", Body: bytes.NewReader(m)}, nil) {
				return
			}
		}
	}
	w := NewJSON(io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		t, err := Explain(context.Background(), iter.Seq2[inbox.Raw, error](seq), p, d, w)
		if err != nil || t.Errors > 0 {
			b.Fatalf("Explain = %+v, %v; want no errors", t, err)
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "msgs/s")
}
