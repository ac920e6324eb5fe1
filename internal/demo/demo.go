// Package demo holds what `triage demo` runs on: a set of sample LinkedIn
// notification emails embedded in the binary, in the formats LinkedIn has
// sent since 2016, and the persona of the demo's recipient.
package demo

import (
	"bytes"
	"embed"
	"io/fs"
	"iter"
	"path"

	"github.com/triagehq/triage/internal/inbox"
)

//go:embed mail/*.eml
var mail embed.FS

// Messages yields every sample email, in file name order, with Source
// "demo/<file>".
func Messages() iter.Seq2[inbox.Raw, error] {
	return func(yield func(inbox.Raw, error) bool) {
		names, err := fs.Glob(mail, "mail/*.eml")
		if err != nil {
			yield(inbox.Raw{Source: "demo"}, err)
			return
		}
		for _, name := range names {
			data, err := mail.ReadFile(name)
			raw := inbox.Raw{Source: "demo/" + path.Base(name), Body: bytes.NewReader(data)}
			if !yield(raw, err) {
				return
			}
		}
	}
}

// Count is the number of sample emails Messages yields.
func Count() int {
	names, _ := fs.Glob(mail, "mail/*.eml")
	return len(names)
}
