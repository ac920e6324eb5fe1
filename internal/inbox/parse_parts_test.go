package inbox

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-message"
)

// refCollectParts is collectParts as it was before bodies were decoded
// from their raw bytes: every body read through go-message's decoding
// readers (mime/quotedprintable for quoted-printable). The tests below
// hold the new code to its results, errors included.
func refCollectParts(e *message.Entity, b *bodies, scratch *bytes.Buffer, depth int) error {
	b.parts++
	if b.parts > maxParts {
		return fmt.Errorf("more than %d MIME parts", maxParts)
	}
	mediaType, params, err := e.Header.ContentType()
	if err != nil {
		if e.Header.Get("Content-Type") != "" {
			return fmt.Errorf("malformed Content-Type %q: %w", e.Header.Get("Content-Type"), err)
		}
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		if depth >= maxPartDepth {
			return fmt.Errorf("multipart nesting deeper than %d levels", maxPartDepth)
		}
		if params["boundary"] == "" {
			return fmt.Errorf("%s without a boundary parameter", mediaType)
		}
		mr := e.MultipartReader()
		seen := 0
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil && p == nil {
				return multipartError(mediaType, seen, err)
			}
			seen++
			if err != nil && message.IsUnknownEncoding(err) {
				return fmt.Errorf("part %d of %s: unknown transfer encoding %q", seen, mediaType, p.Header.Get("Content-Transfer-Encoding"))
			}
			if err := refCollectParts(p, b, scratch, depth+1); err != nil {
				return err
			}
		}
		if seen == 0 {
			return fmt.Errorf("%s has no parts", mediaType)
		}
		return nil
	}
	if disp, _, _ := e.Header.ContentDisposition(); strings.EqualFold(disp, "attachment") {
		return nil
	}
	var dst *string
	switch mediaType {
	case "text/plain":
		if b.haveText {
			return nil
		}
		dst, b.haveText = &b.text, true
	case "text/html":
		if b.haveHTML {
			return nil
		}
		dst, b.haveHTML = &b.html, true
	default:
		return nil
	}
	scratch.Reset()
	if _, err := scratch.ReadFrom(e.Body); err != nil {
		return bodyError(mediaType, e.Header.Get("Content-Transfer-Encoding"), depth > 0, err)
	}
	*dst = validUTF8(scratch.String())
	return nil
}

// checkParts compares collectRaw over the raw message (as Parse calls it)
// and collectParts over a go-message entity with refCollectParts.
func checkParts(t *testing.T, name string, data []byte) {
	t.Helper()
	e, _ := message.Read(bytes.NewReader(data))
	if e == nil {
		return
	}
	// Parse sized its buffer so; a base64 error's offset depends on the
	// size of the reads.
	var want bodies
	var scratch bytes.Buffer
	scratch.Grow(len(data))
	wantErr := refCollectParts(e, &want, &scratch, 0)

	e, _ = message.Read(bytes.NewReader(data))
	got := bodies{buf: make([]byte, 0, len(data))}
	err := collectRaw(entityPart(e, data[bodyStart(data):]), &got, 0)
	if d := diffBodies(got, err, want, wantErr); d != "" {
		t.Fatalf("%s: collectRaw differs from go-message's decoding: %s", name, d)
	}

	e, _ = message.Read(bytes.NewReader(data))
	got = bodies{buf: make([]byte, 0, len(data))}
	err = collectParts(e, &got, 0)
	if d := diffBodies(got, err, want, wantErr); d != "" {
		t.Fatalf("%s: collectParts differs from go-message's decoding: %s", name, d)
	}
}

func diffBodies(got bodies, err error, want bodies, wantErr error) string {
	switch {
	case errString(err) != errString(wantErr):
		return fmt.Sprintf("error %v, want %v", err, wantErr)
	case got.text != want.text:
		return fmt.Sprintf("text %q, want %q", got.text, want.text)
	case got.html != want.html:
		return fmt.Sprintf("html %q, want %q", got.html, want.html)
	case got.haveText != want.haveText || got.haveHTML != want.haveHTML || got.parts != want.parts:
		return fmt.Sprintf("haveText, haveHTML, parts = %v, %v, %d, want %v, %v, %d",
			got.haveText, got.haveHTML, got.parts, want.haveText, want.haveHTML, want.parts)
	}
	return ""
}

// partsCorpus returns every message under testdata and
// /work/shared/samples/real.
func partsCorpus(t testing.TB) map[string][]byte {
	t.Helper()
	paths := fixtures(t)
	real, _ := filepath.Glob("/work/shared/samples/real/*.eml")
	out := make(map[string][]byte)
	for _, path := range append(paths, real...) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out[path] = data
	}
	return out
}

var (
	upperHex  = regexp.MustCompile(`=[0-9A-F]{2}`)
	softBreak = regexp.MustCompile(`=\r?\n`)
	utf8Param = regexp.MustCompile(`(?i)charset="?utf-8"?`)
)

// variants returns data changed in ways that go through other branches
// of the decoders: lower-case hex, bare LF line ends, long lines (joined
// soft breaks, past qpMaxLine), a Latin-1 charset, a control byte, and
// the message cut at many points.
func variants(data []byte) map[string][]byte {
	out := map[string][]byte{
		"lowerhex": upperHex.ReplaceAllFunc(data, bytes.ToLower),
		"lf":       bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")),
		"joined":   softBreak.ReplaceAll(data, nil),
		"latin1":   utf8Param.ReplaceAll(data, []byte("charset=iso-8859-1")),
		"ctl":      bytes.Replace(data, []byte("=3D"), []byte("\x01"), 1),
	}
	const cuts = 20
	for i := 1; i <= cuts; i++ {
		n := len(data) * i / (cuts + 1)
		out[fmt.Sprintf("cut%d", n)] = data[:n]
	}
	for n := len(data) - 8; n < len(data); n++ {
		if n > 0 {
			out[fmt.Sprintf("cut%d", n)] = data[:n]
		}
	}
	return out
}

func TestCollectPartsMatchesGoMessage(t *testing.T) {
	for path, data := range partsCorpus(t) {
		checkParts(t, path, data)
		for name, v := range variants(data) {
			checkParts(t, path+" "+name, v)
		}
	}
}

func TestBodyStart(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"A: b\r\n\r\nbody", 8},
		{"A: b\n\nbody", 6},
		{"A: b\n \n\nbody", 8},
		{"A: b\r\nC: d\r\n", 12},
		{"A: b", 4},
		{"\nbody", 1},
		{"A: b\n\r\n\n", 7},
	}
	for _, tt := range tests {
		if got := bodyStart([]byte(tt.in)); got != tt.want {
			t.Errorf("bodyStart(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// FuzzCollectParts checks on mutated messages that collectRaw finds the
// same bodies and errors as go-message's own decoding.
func FuzzCollectParts(f *testing.F) {
	for _, data := range partsCorpus(f) {
		f.Add(data)
	}
	f.Add([]byte("Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\n"))
	f.Add([]byte("Content-Type: multipart/alternative; boundary=x\n\n--x\nContent-Transfer-Encoding: quoted-printable\n\na=\n--x--\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParts(t, "input", data)
	})
}

// collectParts walks e, an entity as go-message returns it, and keeps the
// first text/plain and text/html parts that are not attachments, for
// tests that start from an entity (Parse calls collectRaw on the raw
// message).
func collectParts(e *message.Entity, b *bodies, depth int) error {
	return collectRaw(entityPart(e, nil), b, depth)
}
