package inbox

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// maxTraceLine bounds one traced line; the rest is counted, not kept.
const maxTraceLine = 2048

// tracer writes a readable trace of an IMAP conversation: one line per
// command or response, "C: " for the client and "S: " for the server. It
// never shows credentials or message contents:
//   - LOGIN arguments become "[redacted]";
//   - an AUTHENTICATE command keeps only its mechanism name, and every
//     continuation line either side sends until the command's tagged
//     response is "[redacted]";
//   - every literal, in either direction, is replaced by "{N bytes}", so
//     message bodies (and LinkedIn links inside them) never appear;
//   - the query string of any LinkedIn URL is removed, control characters
//     are neutralised and long lines are cut.
//
// It is built from the bytes on the connection, not from go-imap's raw
// debug writer, which shows all of the above.
type tracer struct {
	mu      sync.Mutex
	w       io.Writer
	failed  bool
	authTag string // tag of the AUTHENTICATE command in progress
}

func newTracer(w io.Writer) *tracer {
	if w == nil {
		return nil
	}
	return &tracer{w: w}
}

// wrap returns c with both directions traced. A nil tracer returns c.
func (t *tracer) wrap(c net.Conn) net.Conn {
	if t == nil {
		return c
	}
	return &traceConn{
		Conn: c,
		in:   &traceLines{t: t},
		out:  &traceLines{t: t, client: true},
	}
}

// note writes a line of the tracer's own, such as "TLS established".
func (t *tracer) note(format string, args ...any) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.writeLocked("-- " + fmt.Sprintf(format, args...))
}

func (t *tracer) writeLocked(line string) {
	if t.failed {
		return
	}
	if _, err := io.WriteString(t.w, line+"\n"); err != nil {
		t.failed = true
	}
}

type traceConn struct {
	net.Conn
	in, out *traceLines
}

func (c *traceConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.in.feed(b[:n])
	return n, err
}

func (c *traceConn) Write(b []byte) (int, error) {
	// Trace before sending: an AUTHENTICATE must be known before the
	// server can answer it.
	c.out.feed(b)
	return c.Conn.Write(b)
}

// traceLines splits one direction of the stream into logical lines: a line
// that announces a literal ({N}, {N+}, ~{N}) continues after the literal's
// N bytes, which are skipped.
type traceLines struct {
	t      *tracer
	client bool

	line    []byte // the logical line so far, at most maxTraceLine bytes
	dropped int64  // bytes of the logical line beyond maxTraceLine
	tail    []byte // the last bytes of the current physical line
	literal int64  // literal bytes still to skip
}

const tailSize = 32

func (l *traceLines) feed(p []byte) {
	for len(p) > 0 {
		if l.literal > 0 {
			n := int64(len(p))
			if n > l.literal {
				n = l.literal
			}
			l.literal -= n
			p = p[n:]
			continue
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.add(p)
			return
		}
		l.add(p[:i])
		p = p[i+1:]
		l.endPhysicalLine()
	}
}

func (l *traceLines) add(b []byte) {
	if room := maxTraceLine - len(l.line); room > 0 {
		k := min(room, len(b))
		l.line = append(l.line, b[:k]...)
		l.dropped += int64(len(b) - k)
	} else {
		l.dropped += int64(len(b))
	}
	l.tail = append(l.tail, b...)
	if len(l.tail) > tailSize {
		l.tail = append(l.tail[:0], l.tail[len(l.tail)-tailSize:]...)
	}
}

var literalSpec = regexp.MustCompile(`~?\{([0-9]{1,19})\+?\}$`)

func (l *traceLines) endPhysicalLine() {
	l.tail = bytes.TrimSuffix(l.tail, []byte("\r"))
	if l.dropped == 0 {
		l.line = bytes.TrimSuffix(l.line, []byte("\r"))
	}
	if m := literalSpec.FindSubmatch(l.tail); m != nil {
		n, err := strconv.ParseInt(string(m[1]), 10, 64)
		if err == nil {
			if l.dropped == 0 && bytes.HasSuffix(l.line, m[0]) {
				l.line = l.line[:len(l.line)-len(m[0])]
				l.line = fmt.Appendf(l.line, "{%d bytes}", n)
			}
			l.literal = n
			l.tail = l.tail[:0]
			return
		}
	}
	l.emit()
}

func (l *traceLines) emit() {
	text := string(l.line)
	if l.dropped > 0 {
		text += fmt.Sprintf("… (%d more bytes)", l.dropped)
	}
	l.line, l.dropped, l.tail = l.line[:0], 0, l.tail[:0]

	t := l.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if l.client {
		text = t.redactClientLocked(text)
		t.writeLocked("C: " + cleanTraceText(text))
	} else {
		text = t.redactServerLocked(text)
		t.writeLocked("S: " + cleanTraceText(text))
	}
}

func (t *tracer) redactClientLocked(line string) string {
	if t.authTag != "" {
		// A SASL response (or "*" to cancel) within AUTHENTICATE.
		return "[redacted]"
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		return line
	}
	tag, cmd := f[0], strings.ToUpper(f[1])
	switch cmd {
	case "LOGIN":
		return tag + " LOGIN [redacted]"
	case "AUTHENTICATE":
		t.authTag = tag
		if len(f) < 3 {
			return tag + " AUTHENTICATE"
		}
		s := tag + " AUTHENTICATE " + f[2]
		if len(f) > 3 {
			s += " [redacted]"
		}
		return s
	}
	return line
}

func (t *tracer) redactServerLocked(line string) string {
	if t.authTag == "" {
		return line
	}
	if strings.HasPrefix(line, "+") {
		return "+ [redacted]"
	}
	if tag, _, ok := strings.Cut(line, " "); ok && tag == t.authTag {
		t.authTag = ""
	}
	return line
}

var linkedInQuery = regexp.MustCompile(`(?i)(linkedin\.com[^\s"'<>?]*)\?[^\s"'<>)]*`)

// cleanTraceText removes LinkedIn URL query strings (they carry login-like
// tokens) and replaces control and invalid characters, so that a server
// cannot write terminal escape sequences into the trace.
func cleanTraceText(s string) string {
	s = linkedInQuery.ReplaceAllString(s, "$1?[redacted]")
	if !strings.ContainsFunc(s, func(r rune) bool { return r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' {
			b.WriteRune('\uFFFD')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
