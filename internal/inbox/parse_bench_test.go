package inbox

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkParse parses every fixture once per iteration and reports
// messages per second.
func BenchmarkParse(b *testing.B) {
	var msgs [][]byte
	for _, path := range fixtures(b) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, data)
	}
	var size int64
	for _, m := range msgs {
		size += int64(len(m))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, m := range msgs {
			Parse(bytes.NewReader(m))
		}
	}
	b.ReportMetric(float64(b.N*len(msgs))/b.Elapsed().Seconds(), "msgs/s")
}
