package state

import (
	"unsafe"

	"github.com/triagehq/triage/internal/policy"
)

// arena is the memory shared by the records decoded together (the records
// of a page of a listing, or a single record), so that decoding them
// allocates a few chunks rather than a string per field and a slice per
// record: allocating fresh memory, not reading the store, is most of what
// listing thousands of records costs. What the arena hands out is never
// written by it again, which is what keeps its strings immutable and the
// records independent; a chunk lives as long as anything handed out from
// it.
//
// The zero arena with textChunk set to a record's size suits one record:
// its strings take one allocation, its slices one each.
type arena struct {
	text      []byte // the current chunk of string bytes, used up to len
	textChunk int    // the size of a new chunk of text (at least)

	reasons     []policy.Reason // the current chunk of reasons, used up to len
	reasonChunk int             // the size of a new chunk; 0 allocates each slice

	// common maps strings that repeat from record to record (the policy's
	// reasons, the mailbox, the note class, the action state) to one copy
	// of each; nil copies every string.
	common map[string]string
}

// Sizes of a listing's arena: a chunk is a few records' worth of text and
// reasons, so that an entry kept after the others pins little memory, and
// the common strings a page keeps are bounded.
const (
	listingText    = 16 << 10
	listingReasons = 128
	maxCommon      = 256
)

// newListingArena returns an arena for the records of a page of a listing.
func newListingArena() *arena {
	return &arena{textChunk: listingText, reasonChunk: listingReasons, common: make(map[string]string)}
}

// string returns a copy of b.
func (a *arena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(a.text)-len(a.text) < len(b) {
		a.text = make([]byte, 0, max(a.textChunk, len(b)))
	}
	start := len(a.text)
	a.text = append(a.text, b...)
	return unsafe.String(&a.text[start], len(b))
}

// shared returns a copy of b, the same copy each time when the arena
// keeps common strings (until it has maxCommon of them).
func (a *arena) shared(b []byte) string {
	if a.common == nil {
		return a.string(b)
	}
	if s, ok := a.common[string(b)]; ok {
		return s
	}
	s := a.string(b)
	if len(a.common) < maxCommon {
		a.common[s] = s
	}
	return s
}

// reasonSlice returns n zero reasons, in a slice whose capacity is n so
// that an append copies it rather than write into another record's.
func (a *arena) reasonSlice(n int) []policy.Reason {
	if n == 0 {
		return []policy.Reason{}
	}
	if n > a.reasonChunk {
		return make([]policy.Reason, n)
	}
	if cap(a.reasons)-len(a.reasons) < n {
		a.reasons = make([]policy.Reason, 0, a.reasonChunk)
	}
	start := len(a.reasons)
	a.reasons = a.reasons[:start+n]
	return a.reasons[start : start+n : start+n]
}
