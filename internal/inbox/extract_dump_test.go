package inbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"
)

// TestDumpParseVariants writes Parse's result for every fixture and many
// deterministic mutations of it to the file named by $TRIAGE_PARSE_DUMP,
// one JSON line each. Two builds of the parser are compared by diffing
// their dumps: a refactoring meant to change nothing must give the same
// file. The test does nothing without the variable.
func TestDumpParseVariants(t *testing.T) {
	out := os.Getenv("TRIAGE_PARSE_DUMP")
	if out == "" {
		t.Skip("TRIAGE_PARSE_DUMP not set")
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for _, path := range fixtures(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range parseVariants(data) {
			msg, err := Parse(bytes.NewReader(v))
			rec := struct {
				Path  string
				N     int
				Msg   Message
				Error string
			}{Path: path, N: i, Msg: msg}
			if err != nil {
				rec.Error = err.Error()
			}
			if err := enc.Encode(rec); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// parseVariants returns data and deterministic mutations of it: lines
// removed, swapped or duplicated, case changed, bytes inserted.
func parseVariants(data []byte) [][]byte {
	out := [][]byte{data, bytes.ToUpper(data), bytes.ToLower(data)}
	lines := bytes.SplitAfter(data, []byte("\n"))
	join := func(ls [][]byte) []byte { return bytes.Join(ls, nil) }
	step := max(1, len(lines)/400)
	for i := 0; i < len(lines); i += step {
		ls := append(append([][]byte{}, lines[:i]...), lines[i+1:]...)
		out = append(out, join(ls))
		if i+1 < len(lines) {
			ls = append([][]byte{}, lines...)
			ls[i], ls[i+1] = ls[i+1], ls[i]
			out = append(out, join(ls))
		}
		ls = append(append(append([][]byte{}, lines[:i+1]...), lines[i]), lines[i+1:]...)
		out = append(out, join(ls))
	}
	r := rand.New(rand.NewPCG(uint64(len(data)), 7))
	ins := []string{"<", ">", "&", ";", ":", ".", "%", "%2", "=", "=\n", "\u00a0", "é", "\u212a", "ſ", " ", "  ", "\n", "\n\n",
		"Hi Jane, ", "Accept", "View profile", "·", " | ", " at ", "@", "https://www.linkedin.com/in/x", "?invitationId=9&sharedKey=k",
		"/comm/mynetwork/invite-accept/", "\xff", "'s profile", "connections in common", "People you may know"}
	for k := 0; k < 300; k++ {
		v := bytes.Clone(data)
		for j := 0; j < 1+r.IntN(3); j++ {
			p := r.IntN(len(v) + 1)
			s := ins[r.IntN(len(ins))]
			v = append(v[:p], append([]byte(s), v[p:]...)...)
		}
		out = append(out, v)
	}
	return out
}
