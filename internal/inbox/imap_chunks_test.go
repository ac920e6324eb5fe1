package inbox

import (
	"math/rand/v2"
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

// TestUIDChunksSetLength checks that no chunk's UID set, as the command
// sends it, is longer than maxSetBytes (Exchange answers BAD to long
// command lines), and that the length is counted exactly: a chunk is cut
// only when the next UID would not fit.
func TestUIDChunksSetLength(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := map[string][]uint32{
		// A first sweep's candidates: one message in ten, six digits.
		"scattered": func() []uint32 {
			var u []uint32
			for i := uint32(150000); len(u) < 9000; i += 3 {
				u = append(u, i)
			}
			return u
		}(),
		"runs": func() []uint32 {
			var u []uint32
			for i := uint32(1); len(u) < 20000; i++ {
				if rng.IntN(4) != 0 {
					u = append(u, i)
				}
			}
			return u
		}(),
		"growing digits": func() []uint32 {
			var u []uint32
			for i := uint32(1); len(u) < 12000; i += 1 + uint32(rng.IntN(300)) {
				u = append(u, i)
			}
			return u
		}(),
	}
	for name, uids := range cases {
		var all []uint32
		chunks := 0
		for c := range uidChunks(uids, firstChunk, metaChunk) {
			set := uidSet(c...).String()
			if len(set) > maxSetBytes {
				t.Errorf("%s: chunk %d of %d UIDs has a %d-byte set, over %d", name, chunks, len(c), len(set), maxSetBytes)
			}
			end := len(all) + len(c)
			limit := metaChunk
			if chunks == 0 {
				limit = firstChunk
			}
			if len(c) > limit {
				t.Errorf("%s: chunk %d holds %d UIDs, over its limit of %d", name, chunks, len(c), limit)
			}
			// Cut only when full: the next UID would not have fitted.
			if end < len(uids) && len(c) < limit {
				if grown := uidSet(append(slices.Clone(c), uids[end])...).String(); len(grown) <= maxSetBytes {
					t.Errorf("%s: chunk %d cut at %d UIDs (%d bytes) though the next fits (%d bytes)", name, chunks, len(c), len(set), len(grown))
				}
			}
			all = append(all, c...)
			chunks++
		}
		if !slices.Equal(all, uids) {
			t.Errorf("%s: the chunks hold %d UIDs, not each once in order", name, len(all))
		}
		if name == "scattered" && chunks < 5 {
			t.Errorf("scattered: %d chunks; 9,000 six-digit UIDs need at least 7 sets of 8,000 bytes", chunks)
		}
	}
}
