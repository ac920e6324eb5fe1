package inbox

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// qpMaxLine is the size of the bufio.Reader that mime/quotedprintable reads
// lines with: a line of this many bytes without its '\n' is an error
// there (bufio.ErrBufferFull), and decodeQP keeps that limit so that a
// body decodes here exactly when it decoded through the standard library.
const qpMaxLine = 4096

// decodeQP appends the quoted-printable decoding of src to dst, in one
// pass over memory. It decodes and fails exactly as reading src through
// mime/quotedprintable.Reader with io.ReadAll does, with the same lenient
// rules: "=\n" is a soft line break as well as "=\r\n", lower-case hex is
// accepted, white space at the end of a line is dropped, an "=" not
// followed by two hex digits is kept literally unless a line break or the
// end follows it, bytes >= 0x80 pass, and a final "=" after some text is
// ignored. On an error it returns what it decoded before the error and
// the same error text as the standard library.
//
// srcErr is the error that ended reading src; nil means src is complete.
// As with the standard library, it is returned after the data it
// follows, unless a decoding error comes first.
//
// dst may be src[:0]: decoding never writes past the byte being read.
func decodeQP(dst, src []byte, srcErr error) ([]byte, error) {
	if srcErr == nil {
		srcErr = io.EOF
	}
	for len(src) > 0 {
		var line []byte
		var rerr error
		if i := bytes.IndexByte(src[:min(len(src), qpMaxLine)], '\n'); i >= 0 {
			line, src = src[:i+1], src[i+1:]
		} else if len(src) < qpMaxLine {
			line, src, rerr = src, nil, srcErr
		} else {
			line, src, rerr = src[:qpMaxLine], src[qpMaxLine:], bufio.ErrBufferFull
		}

		hasLF := line[len(line)-1] == '\n'
		hasCR := hasLF && len(line) >= 2 && line[len(line)-2] == '\r'
		t := line
		for len(t) > 0 && isQPDiscardWhitespace(t[len(t)-1]) {
			t = t[:len(t)-1]
		}
		var eol string
		if len(t) > 0 && t[len(t)-1] == '=' {
			rest := bytes.TrimLeft(line[len(t):], " \t")
			t = t[:len(t)-1]
			if !bytes.HasPrefix(rest, []byte("\n")) && !bytes.HasPrefix(rest, []byte("\r\n")) &&
				!(len(rest) == 0 && len(t) > 0 && rerr == io.EOF) {
				rerr = fmt.Errorf("quotedprintable: invalid bytes after =: %q", rest)
			}
		} else if hasCR {
			eol = "\r\n"
		} else if hasLF {
			eol = "\n"
		}

		var err error
		if dst, err = decodeQPLine(dst, t, eol); err != nil {
			return dst, err
		}
		dst = append(dst, eol...)
		if rerr != nil {
			if rerr == io.EOF {
				return dst, nil
			}
			return dst, rerr
		}
	}
	if srcErr == io.EOF {
		return dst, nil
	}
	return dst, srcErr
}

// decodeQPLine appends the decoding of one line t, without its line
// break, to dst; eol is the line break that follows it ("", "\n" or
// "\r\n"), which an "=" at the end of t looks into.
func decodeQPLine(dst, t []byte, eol string) ([]byte, error) {
	for i := 0; i < len(t); {
		j := i
		for j < len(t) && qpPlain[t[j]] {
			j++
		}
		dst = append(dst, t[i:j]...)
		if j == len(t) {
			break
		}
		if c := t[j]; c != '=' {
			return dst, fmt.Errorf("quotedprintable: invalid unescaped byte 0x%02x in body", c)
		}
		// After the "=": the rest of t, then eol.
		n := len(t) - j - 1 + len(eol)
		at := func(k int) byte { // k-th byte after the "="
			if j+1+k < len(t) {
				return t[j+1+k]
			}
			return eol[j+1+k-len(t)]
		}
		var err error
		if n < 2 {
			err = io.ErrUnexpectedEOF
		} else if hi := qpHex[at(0)]; hi < 0 {
			err = fmt.Errorf("quotedprintable: invalid hex byte 0x%02x", at(0))
		} else if lo := qpHex[at(1)]; lo < 0 {
			err = fmt.Errorf("quotedprintable: invalid hex byte 0x%02x", at(1))
		} else {
			// Two hex digits are never line-break bytes, so they are in t.
			dst = append(dst, byte(hi<<4|lo))
			i = j + 3
			continue
		}
		if n >= 1 && at(0) != '\r' && at(0) != '\n' {
			// Not an escape: keep the "=" literally.
			dst = append(dst, '=')
			i = j + 1
			continue
		}
		return dst, err
	}
	return dst, nil
}

func isQPDiscardWhitespace(c byte) bool {
	return c == '\n' || c == '\r' || c == ' ' || c == '\t'
}

// qpPlain holds the bytes a quoted-printable body passes through as they
// are: printable ASCII but "=", tab, CR, LF, and every byte >= 0x80.
var qpPlain = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= ' ' && c <= '~' && c != '=' || c == '\t' || c == '\r' || c == '\n' || c >= 0x80
	}
	return t
}()

// qpHex maps hex digits, upper or lower case, to their value, and other
// bytes to -1.
var qpHex = func() (t [256]int8) {
	for c := range t {
		switch {
		case c >= '0' && c <= '9':
			t[c] = int8(c - '0')
		case c >= 'A' && c <= 'F':
			t[c] = int8(c - 'A' + 10)
		case c >= 'a' && c <= 'f':
			t[c] = int8(c - 'a' + 10)
		default:
			t[c] = -1
		}
	}
	return t
}()
