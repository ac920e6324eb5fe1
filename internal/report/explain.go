package report

import (
	"context"
	"iter"

	"github.com/triagehq/triage/internal/inbox"
)

// Explain parses every message msgs yields, assesses it with p and d, and
// writes its records to w. A message that cannot be read becomes an error
// record and the run goes on; the returned Tally counts them. Explain stops
// early, returning ctx's error, when ctx ends; an error from w also stops
// it. It does not Close w.
func Explain(ctx context.Context, msgs iter.Seq2[inbox.Raw, error], p Decider, d Drafter, w Writer) (Tally, error) {
	var t Tally
	for raw, err := range msgs {
		if err := ctx.Err(); err != nil {
			return t, err
		}
		var entries []Entry
		if err != nil {
			entries = []Entry{{Source: raw.Source, Kind: KindError, Error: err.Error()}}
		} else {
			msg, perr := inbox.Parse(raw.Body)
			entries = Assess(raw.Source, msg, perr, p, d)
		}
		for _, e := range entries {
			t.Add(e)
			if err := w.Write(e); err != nil {
				return t, err
			}
		}
	}
	return t, ctx.Err()
}
