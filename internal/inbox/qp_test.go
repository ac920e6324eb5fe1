package inbox

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// stdQP decodes in with mime/quotedprintable, reading it as go-message
// does (io.ReadAll through quotedprintable.NewReader); srcErr, when not
// nil, is the error the source returns after in.
func stdQP(in []byte, srcErr error) ([]byte, error) {
	var r io.Reader = bytes.NewReader(in)
	if srcErr != nil {
		r = io.MultiReader(r, iotest.ErrReader(srcErr))
	}
	return io.ReadAll(quotedprintable.NewReader(r))
}

// checkQP compares decodeQP with mime/quotedprintable on in: the same
// bytes, the same error text, and the same result when decoding in place.
func checkQP(t *testing.T, in []byte, srcErr error) {
	t.Helper()
	want, wantErr := stdQP(in, srcErr)
	got, err := decodeQP(nil, in, srcErr)
	if !bytes.Equal(got, want) || errString(err) != errString(wantErr) {
		t.Fatalf("decodeQP(%q, %v) = %q, %v; mime/quotedprintable: %q, %v", in, srcErr, got, err, want, wantErr)
	}
	buf := bytes.Clone(in)
	inPlace, err := decodeQP(buf[:0], buf, srcErr)
	if !bytes.Equal(inPlace, want) || errString(err) != errString(wantErr) {
		t.Fatalf("decodeQP(%q, %v) in place = %q, %v; mime/quotedprintable: %q, %v", in, srcErr, inPlace, err, want, wantErr)
	}
	if srcErr == nil && (err == nil) != (wantErr == nil) {
		t.Fatalf("decodeQP(%q) error %v, mime/quotedprintable %v", in, err, wantErr)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

var qpEdgeCases = []string{
	"", "a", "abc", "=", "==", "a=", "a==", "=\n", "=\r\n", "a=\n", "a=\r\n", "a=\nb", "a=\r\nb",
	"a= \n", "a=\t\r\n", "a= \t \r\nb", "a=  ", "a= x\n", "a=x\n", "a=\rb\n", "a=\r\r\n", "a=\r", "a=\n\n",
	"=41", "=4", "=4\n", "=4\r\n", "a=4", "=41=42=43", "=e9", "=E9", "=eF", "=Ef", "=G1", "=1G", "=g1", "=1g",
	"=\n=\n", "==41", "===", "=3D", "=3d=\n", "=20\n", "= 41", "=\t", "a =\n", "= ", "=  \n",
	"trailing   \n", "trailing\t \r\n", "trailing \t", " \n", "\t\r\n", "  ", "\r", "\n", "\r\n", "\n\n", "\r\r\n",
	"a\rb", "a\r", "a\r\rb\r\n", "x\x00y", "x\x01", "\x7f", "x\x1b[0m", "\x80\xff", "caf\xc3\xa9", "\xe2\x82\xac=\n",
	"=C3=A9t=C3=A9\r\n", "<a href=3D\"https://www.linkedin.com/comm/in/x?a=3Db&amp;c=3Dd\">x</a>",
	"line one=\r\nline two\r\n=\r\n", "soft at end=", "soft at end= ", "soft at end=\t\t",
	"end with escape=3", "end with cr\r", "abc=\r\ndef=\r\n", "=\r\n=\r\nx", "a=\nb=\nc=", "=0D=0A",
	"=\n\x01", "\x01=\n", "a=3D=\n=3D", "a\n=", "a\n=\n", "a\n=\r\n", "ab\n=41=",
	"tab\tinside", "a = b", "a=  b", "=\r\nx=", "x\n=4", "x\n==",
}

// longLines are cases around qpMaxLine, the line length at which
// mime/quotedprintable fails with bufio.ErrBufferFull.
func longLines() []string {
	var out []string
	for _, n := range []int{qpMaxLine - 3, qpMaxLine - 2, qpMaxLine - 1, qpMaxLine, qpMaxLine + 1, 2*qpMaxLine + 5} {
		a := strings.Repeat("a", n)
		out = append(out, a, a+"\n", a+"\r\nb", a+"\nb", a+"=\n", a+"=\r\nb", a+"=", a+"= ", a+"  \n", a+"=4", "x\n"+a+"\n",
			strings.Repeat("=41", n/3)+"\n", a[:n-1]+"\x01\n", a+"\x01")
	}
	return out
}

func TestDecodeQPMatchesStdlib(t *testing.T) {
	cases := append(append([]string{}, qpEdgeCases...), longLines()...)
	for _, in := range cases {
		for _, srcErr := range []error{nil, io.ErrUnexpectedEOF, errors.New("disk on fire")} {
			checkQP(t, []byte(in), srcErr)
		}
	}
}

// TestDecodeQPErrors pins the errors that Parse's messages wrap.
func TestDecodeQPErrors(t *testing.T) {
	tests := []struct {
		in, out string
		err     string
	}{
		{"a=41\r\nb=\r\n", "aA\r\nb", ""},
		{"soft at end=", "soft at end", ""},
		{"=", "", `quotedprintable: invalid bytes after =: ""`},
		{"a==", "a", "unexpected EOF"},
		{"a=4", "a=4", ""},
		{"a=\rb\n", "a", "quotedprintable: invalid hex byte 0x0d"},
		{"a\x01b", "a", "quotedprintable: invalid unescaped byte 0x01 in body"},
		{"a= x\n", "a= x\n", ""},
		{"a=\r\r\n", "a", `quotedprintable: invalid bytes after =: "\r\r\n"`},
		{strings.Repeat("a", qpMaxLine), strings.Repeat("a", qpMaxLine), bufio.ErrBufferFull.Error()},
	}
	for _, tt := range tests {
		got, err := decodeQP(nil, []byte(tt.in), nil)
		if string(got) != tt.out || errString(err) != orNil(tt.err) {
			t.Errorf("decodeQP(%q) = %q, %v, want %q, %s", tt.in, got, err, tt.out, orNil(tt.err))
		}
	}
}

func orNil(s string) string {
	if s == "" {
		return "<nil>"
	}
	return s
}

// rawQPBodies returns the raw (still encoded) body of every
// quoted-printable entity in the messages under testdata and in
// /work/shared/samples/real, found with go-message's textproto reader.
func rawQPBodies(t testing.TB) [][]byte {
	t.Helper()
	paths := fixtures(t)
	real, _ := filepath.Glob("/work/shared/samples/real/*.eml")
	paths = append(paths, real...)
	var out [][]byte
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out = appendRawQP(out, data, 0)
	}
	return out
}

func appendRawQP(out [][]byte, data []byte, depth int) [][]byte {
	br := bufio.NewReader(bytes.NewReader(data))
	h, err := textproto.ReadHeader(br)
	if err != nil || depth > maxPartDepth {
		return out
	}
	body, _ := io.ReadAll(br)
	walkRaw(h, body, func(h textproto.Header, body []byte) {
		if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
			out = append(out, body)
		}
	}, depth)
	return out
}

// walkRaw calls f for every entity under a header and raw body.
func walkRaw(h textproto.Header, body []byte, f func(textproto.Header, []byte), depth int) {
	f(h, body)
	mh := message.Header{Header: h}
	mt, params, err := mh.ContentType()
	if err != nil || !strings.HasPrefix(mt, "multipart/") || depth > maxPartDepth {
		return
	}
	mr := textproto.NewMultipartReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return
		}
		raw, _ := io.ReadAll(p)
		walkRaw(p.Header, raw, f, depth+1)
	}
}

func TestDecodeQPFixtures(t *testing.T) {
	bodies := rawQPBodies(t)
	if len(bodies) < 20 {
		t.Fatalf("only %d quoted-printable bodies in the fixtures", len(bodies))
	}
	for _, body := range bodies {
		checkQP(t, body, nil)
		// Truncated anywhere, as a cut-off download would be.
		for _, n := range []int{1, 2, 3, len(body) / 3, len(body) / 2, len(body) - 3, len(body) - 2, len(body) - 1} {
			if n > 0 && n < len(body) {
				checkQP(t, body[:n], nil)
				checkQP(t, body[:n], io.ErrUnexpectedEOF)
			}
		}
	}
}

// FuzzQuotedPrintable checks that decodeQP decodes arbitrary input exactly
// as mime/quotedprintable does: the same bytes, and an error exactly when
// it fails, with the same text.
func FuzzQuotedPrintable(f *testing.F) {
	for _, s := range qpEdgeCases {
		f.Add([]byte(s))
	}
	for _, b := range rawQPBodies(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkQP(t, in, nil)
	})
}

func BenchmarkDecodeQP(b *testing.B) {
	bodies := rawQPBodies(b)
	var size int64
	for _, body := range bodies {
		size += int64(len(body))
	}
	b.Run("decodeQP", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			for _, body := range bodies {
				buf, _ = decodeQP(buf[:0], body, nil)
			}
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		// As collectParts read it before: through quotedprintable.Reader
		// into a reused bytes.Buffer.
		b.SetBytes(size)
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			for _, body := range bodies {
				buf.Reset()
				buf.ReadFrom(quotedprintable.NewReader(bytes.NewReader(body)))
			}
		}
	})
}
