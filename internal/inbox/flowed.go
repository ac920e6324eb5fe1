package inbox

import "strings"

// unflow undoes RFC 3676 format=flowed: a line that ends in a space is
// continued by the next line of the same quote depth (the space is kept,
// or removed when delSp is set, as DelSp=yes asks), and the space a
// sender put in front of a line that starts with a space, ">" or "From "
// (space-stuffing) is removed. The signature separator "-- " stays a line
// of its own, and so does an empty line (RFC 3676 would let a flowed line
// swallow it; a note's paragraphs are told apart by them). Lines are
// returned joined by "\n".
//
// Notification mail is not flowed, but a gateway or a client that
// re-encodes it may make it so; read as it is, every soft line break
// would cut a sentence of the note in two.
func unflow(s string, delSp bool) string {
	if !strings.Contains(s, " \n") && !strings.Contains(s, " \r\n") && !strings.Contains(s, "\n ") && !strings.HasPrefix(s, " ") {
		return s // nothing flowed or stuffed
	}
	var b strings.Builder
	b.Grow(len(s))
	open := false // the line before was flowed: this one continues it
	openDepth := 0
	for line := range strings.Lines(s) {
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		quote, text := line[:depth], line[depth:]
		text = strings.TrimPrefix(text, " ") // space-stuffing
		flowed := strings.HasSuffix(text, " ") && text != "-- "
		if flowed && delSp {
			text = text[:len(text)-1]
		}
		switch {
		case open && depth == openDepth && text != "-- " && text != "":
			b.WriteString(text)
		default:
			if open {
				b.WriteByte('\n') // a flowed line whose quote depth changed ends
			}
			b.WriteString(quote)
			b.WriteString(text)
		}
		open, openDepth = flowed, depth
		if !flowed {
			b.WriteByte('\n')
		}
	}
	out := b.String()
	if !strings.HasSuffix(s, "\n") {
		out = strings.TrimSuffix(out, "\n")
	}
	return out
}
