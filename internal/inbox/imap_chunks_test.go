package inbox

import (
	"slices"
	"testing"
)

// TestFetchChunks checks the fetch batching: a small first chunk, then
// large ones, every UID exactly once and in order.
func TestFetchChunks(t *testing.T) {
	seq := func(n int) []uint32 {
		out := make([]uint32, n)
		for i := range out {
			out[i] = uint32(i + 1)
		}
		return out
	}
	for _, tt := range []struct {
		n    int
		want []int // chunk lengths
	}{
		{0, nil},
		{1, []int{1}},
		{firstChunk, []int{firstChunk}},
		{firstChunk + 1, []int{firstChunk, 1}},
		{2212, []int{firstChunk, 2212 - firstChunk}},
		{firstChunk + 2*metaChunk + 5, []int{firstChunk, metaChunk, metaChunk, 5}},
	} {
		uids := seq(tt.n)
		var lens []int
		var all []uint32
		for c := range fetchChunks(uids) {
			lens = append(lens, len(c))
			all = append(all, c...)
		}
		if !slices.Equal(lens, tt.want) {
			t.Errorf("%d UIDs: chunks of %v, want %v", tt.n, lens, tt.want)
		}
		if !slices.Equal(all, uids) {
			t.Errorf("%d UIDs: the chunks hold %d UIDs, not each once in order", tt.n, len(all))
		}
	}
}
