package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/triagehq/triage/internal/policy"
)

// Writer prints records. Close ends the output (the human form prints a
// summary line) and does not close the underlying writer.
type Writer interface {
	Write(e Entry) error
	Close() error
}

// JSON writes one JSON object per record and line, exactly as
// encoding/json's Encoder with SetEscapeHTML(false) would, but without its
// reflection (see appendEntry). Like that Encoder, it is not safe for
// concurrent use, and after a write error it writes nothing more and
// returns that error.
type JSON struct {
	w   io.Writer
	buf []byte // reused line buffer
	err error  // the first write error
}

// NewJSON returns a Writer of JSON lines to w.
func NewJSON(w io.Writer) *JSON { return &JSON{w: w} }

// maxKeptBuf bounds the line buffer a JSON keeps between writes, so that
// one huge record does not pin its memory for the rest of the run.
const maxKeptBuf = 64 << 10

// Write writes e as one line, with a single Write to the underlying writer.
func (j *JSON) Write(e Entry) error {
	if j.err != nil {
		return j.err
	}
	line, ok := appendEntry(j.buf[:0], &e)
	if cap(line) <= maxKeptBuf {
		j.buf = line
	}
	if !ok {
		// An entry encoding/json refuses (a date beyond year 9999, say):
		// let it report the error, as it always has.
		var err error
		if line, err = encodeReflect(e); err != nil {
			return err
		}
	}
	if _, err := j.w.Write(line); err != nil {
		j.err = err
		return err
	}
	return nil
}

// encodeReflect is how JSON wrote records before appendEntry, and what it
// still uses for the entries appendEntry cannot write.
func encodeReflect(e Entry) ([]byte, error) {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// Close does nothing: JSON lines need no trailer.
func (j *JSON) Close() error { return nil }

// Human writes a readable block per invitation, one short line per message
// that is not an invitation, and a summary at Close. Records of messages
// that could not be read are diagnostics: they go to diag as
// "triage: error: SOURCE: PROBLEM".
type Human struct {
	out, diag io.Writer
	tally     Tally
	err       error
}

// NewHuman returns a Writer for people; diag may be nil to write
// everything to out.
func NewHuman(out, diag io.Writer) *Human {
	if diag == nil {
		diag = out
	}
	return &Human{out: out, diag: diag}
}

// noteExcerptLen is how much of a note the human form shows.
const noteExcerptLen = 140

// Write prints one record.
func (h *Human) Write(e Entry) error {
	h.tally.Add(e)
	var b strings.Builder
	switch {
	case e.Kind == KindError:
		fmt.Fprintf(&b, "triage: error: %s: %s\n", e.Source, e.Error)
		_, err := io.WriteString(h.diag, b.String())
		return err
	case e.Kind == KindNotInvitation || e.Assessment == nil:
		subject := ""
		if e.Subject != "" {
			subject = fmt.Sprintf(" (%q)", excerpt(e.Subject, 80))
		}
		fmt.Fprintf(&b, "%s: not an invitation%s\n\n", e.Source, subject)
	default:
		writeBlock(&b, e)
	}
	_, err := io.WriteString(h.out, b.String())
	return err
}

func writeBlock(b *strings.Builder, e Entry) {
	a := e.Assessment
	name := a.Inviter.Name
	if name == "" {
		name = "(name unknown)"
	}
	fmt.Fprintf(b, "%s · %s · score %d\n", name, a.Verdict, a.Score)
	if a.Inviter.Headline != "" {
		fmt.Fprintf(b, "  %s\n", a.Inviter.Headline)
	}
	var facts []string
	if a.Inviter.Location != "" {
		facts = append(facts, a.Inviter.Location)
	}
	if m := a.Inviter.MutualConnections; m != nil {
		facts = append(facts, plural(*m, "connection", "connections")+" in common")
	}
	if a.Reminder {
		facts = append(facts, "reminder")
	}
	if a.LION {
		facts = append(facts, "open networker (LION)")
	}
	if len(facts) > 0 {
		fmt.Fprintf(b, "  %s\n", strings.Join(facts, " · "))
	}
	switch {
	case a.NoteClass == policy.NoteNone || strings.TrimSpace(a.Note) == "":
		b.WriteString("  Note: none\n")
	case a.NoteClass == policy.NoteDefault:
		fmt.Fprintf(b, "  Note: LinkedIn's default text (%q)\n", excerpt(a.Note, noteExcerptLen))
	default:
		fmt.Fprintf(b, "  Note (%s): %q\n", a.NoteClass, excerpt(a.Note, noteExcerptLen))
	}
	if len(a.Reasons) > 0 {
		b.WriteString("  Reasons:\n")
		w := 0
		for _, r := range a.Reasons {
			w = max(w, utf8.RuneCountInString(r.Rule))
		}
		for _, r := range a.Reasons {
			fmt.Fprintf(b, "    %4s  %-*s  %s\n", signed(r.Points), w, r.Rule, r.Why)
		}
	}
	if a.Draft != nil {
		b.WriteString("  Draft reply:\n")
		for _, line := range strings.Split(strings.TrimRight(*a.Draft, "\n"), "\n") {
			if line == "" {
				b.WriteString("    |\n")
				continue
			}
			fmt.Fprintf(b, "    | %s\n", line)
		}
	}
	if a.Inviter.ProfileURL != "" {
		fmt.Fprintf(b, "  Profile: %s\n", a.Inviter.ProfileURL)
	}
	fmt.Fprintf(b, "  Source: %s\n", e.Source)
	if len(e.Actions) > 0 {
		state := "pending"
		if e.Applied != nil && *e.Applied {
			state = "applied"
		}
		fmt.Fprintf(b, "  Actions (%s): %s\n", state, strings.Join(e.Actions, ", "))
	}
	b.WriteString("\n")
}

// Close prints the summary line, e.g.
// "3 invitations: 1 accept, 1 ignore, 1 clarify; 1 not an invitation; 1 unreadable".
func (h *Human) Close() error {
	_, err := fmt.Fprintln(h.out, h.tally.String())
	return err
}

// String summarises the tally in one line.
func (t Tally) String() string {
	s := plural(t.Invitations, "invitation", "invitations")
	var parts []string
	for _, v := range []policy.Verdict{policy.Accept, policy.Ignore, policy.Clarify, policy.Suspicious} {
		if n := t.Verdicts[v]; n > 0 || v != policy.Suspicious {
			parts = append(parts, fmt.Sprintf("%d %s", n, v))
		}
	}
	s += ": " + strings.Join(parts, ", ")
	if t.NotInvitation > 0 {
		s += fmt.Sprintf("; %d not an invitation", t.NotInvitation)
	}
	if t.Errors > 0 {
		s += fmt.Sprintf("; %d unreadable", t.Errors)
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func signed(n int) string {
	if n == 0 {
		return "0"
	}
	return fmt.Sprintf("%+d", n)
}

// excerpt collapses white space and cuts s to at most n characters at a
// word boundary, marking the cut with "…".
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-") + "…"
}
