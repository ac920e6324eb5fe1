package sweep

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
)

// TestHeadSamplesShowEveryField checks that the sample records whose
// heads make the tag show every field of an invitation's head with a
// value that is not its zero, so that a change in how any of them is
// written changes the tag, and with it which heads a store's lines are
// trusted for.
func TestHeadSamplesShowEveryField(t *testing.T) {
	shown := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(prefix+k+".", x)
			}
			return
		case []any:
			if len(v) == 0 {
				return
			}
		case nil:
			return
		default:
			if v == false || v == "" || v == float64(0) {
				return
			}
		}
		shown[prefix[:len(prefix)-1]] = true
	}
	for _, r := range headSamples() {
		head, ok := headLines{}.AppendLine(nil, "account", r)
		if !ok {
			t.Fatalf("no head for sample %s", r.Key)
		}
		line := report.AppendTail(head, &report.Entry{})
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("sample %s: head and tail %q are not JSON: %v", r.Key, line, err)
		}
		walk("", m)
	}
	want := []string{"source", "message_id", "date", "kind", "note", "note_class", "lion", "reminder",
		"invitation_id", "score", "verdict", "reasons", "draft"}
	for _, f := range []string{"name", "first_name", "headline", "title", "company", "location", "profile_url",
		"connections", "mutual_connections"} {
		want = append(want, "inviter."+f)
	}
	for _, f := range want {
		if !shown[f] {
			t.Errorf("no sample record shows %s", f)
		}
	}
	// Any change to a sample's head changes the tag; the same samples
	// give the same tag.
	base := headTag(headSamples())
	if again := headTag(headSamples()); again != base {
		t.Errorf("headTag is not stable: %x, then %x", base, again)
	}
	changes := map[string]func(r *state.Record){
		"a name":  func(r *state.Record) { r.Inviter.Name += "x" },
		"a score": func(r *state.Record) { r.Score++ },
		"a draft": func(r *state.Record) { r.Draft = nil },
	}
	for what, change := range changes {
		samples := slices.Clone(headSamples())
		change(&samples[0])
		if headTag(samples) == base {
			t.Errorf("changing %s of a sample leaves the tag as it was", what)
		}
	}
}
