package inbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode non-UTF-8 parts and headers
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Limits on hostile structure; real notification emails have one level of
// multipart/alternative with two parts.
const (
	maxPartDepth = 8
	maxParts     = 64
)

// Parse reads one raw RFC 5322 message and returns the LinkedIn invitations
// it carries. It never touches the network.
//
// It returns ErrNotInvitation for a readable message that is not a
// connection request (acceptance notices, other LinkedIn mail, mail from
// anyone else), ErrTooLarge for a message over MaxMessageSize (reading no
// more than MaxMessageSize+1 bytes), and otherwise an error saying what is
// wrong with the message ("quoted-printable body is truncated", "no text or
// html part", ...). The header fields of Message (MessageID, Date, Subject,
// From, FromName, Template) are filled whenever they can be read, even
// when Parse returns an error.
//
// Messages from senders outside linkedin.com are not examined beyond their
// header: they are reported as ErrNotInvitation however their body looks.
func Parse(r io.Reader) (Message, error) {
	data, err := readLimited(r)
	if err != nil {
		return Message{}, fmt.Errorf("reading message: %w", err)
	}
	return parse(data)
}

// ParseBytes is Parse for a message already in memory: it reads data
// without copying it first. The Message returned does not refer to data,
// which the caller may reuse once ParseBytes has returned.
func ParseBytes(data []byte) (Message, error) {
	return parse(data)
}

// partBuffers are reused to read and decode the parts of one message at
// a time; buffers above maxPooledPartBuffer are left to the collector.
var partBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledPartBuffer = 1 << 20

func parse(data []byte) (Message, error) {
	var msg Message
	if len(data) > MaxMessageSize {
		if e, herr := message.Read(bytes.NewReader(data)); e != nil && herr == nil {
			fillHeader(&msg, e.Header)
		}
		return msg, ErrTooLarge
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return msg, errors.New("empty message")
	}
	if !startsWithHeader(data) {
		return msg, errors.New("missing header section: the first line is not a header field")
	}
	e, err := message.Read(bytes.NewReader(data))
	if e == nil {
		return msg, fmt.Errorf("malformed header section: %w", err)
	}
	fillHeader(&msg, e.Header)
	if !isLinkedInAddress(msg.From) || notInvitationByHeader(msg) {
		return msg, ErrNotInvitation
	}
	if err != nil && message.IsUnknownEncoding(err) {
		return msg, fmt.Errorf("unknown transfer encoding %q", e.Header.Get("Content-Transfer-Encoding"))
	}
	// An unknown charset leaves the body undecoded: most of it is still
	// ASCII, so go on.

	if !hasBody(data) {
		return msg, errors.New("message has a header section but no body")
	}
	// Raw and decoded parts are no larger than the message.
	pooled := partBuffers.Get().(*[]byte)
	if cap(*pooled) < len(data) {
		*pooled = make([]byte, 0, len(data))
	}
	b := bodies{buf: (*pooled)[:0]}
	defer func() {
		// Every part was copied out of the buffer into a string.
		if cap(b.buf) <= maxPooledPartBuffer {
			*pooled = b.buf[:0]
			partBuffers.Put(pooled)
		}
	}()
	if err := collectRaw(entityPart(e, data[bodyStart(data):]), &b, 0); err != nil {
		return msg, err
	}
	if mt, _, _ := e.Header.ContentType(); !strings.HasPrefix(mt, "multipart/") &&
		strings.EqualFold(strings.TrimSpace(e.Header.Get("Content-Transfer-Encoding")), "quoted-printable") &&
		qpTruncated(data) {
		return msg, errors.New("quoted-printable body is truncated: it ends inside an escape or after a soft line break")
	}
	if !b.haveText && !b.haveHTML {
		return msg, errors.New("no text or html part")
	}
	if strings.TrimSpace(b.text) == "" && strings.TrimSpace(b.html) == "" {
		return msg, errors.New("message body is empty")
	}
	return analyse(msg, mail.Header{Header: e.Header}, &b)
}

// readLimited reads r up to MaxMessageSize+1 bytes, sizing the buffer
// from r's length when r knows it (bytes.Reader, strings.Reader, files).
func readLimited(r io.Reader) ([]byte, error) {
	size := int64(-1)
	switch v := r.(type) {
	case interface{ Len() int }:
		size = int64(v.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	if size < 0 {
		return io.ReadAll(io.LimitReader(r, MaxMessageSize+1))
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(size, MaxMessageSize+1)+bytes.MinRead))
	_, err := buf.ReadFrom(io.LimitReader(r, MaxMessageSize+1))
	return buf.Bytes(), err
}

// headerLine matches the first line of a header section: a field name and
// a colon (RFC 5322 section 2.2), or an mbox "From " envelope line.
var headerLine = regexp.MustCompile(`^(?:[!-9;-~]+[ \t]*:|From )`)

func startsWithHeader(data []byte) bool {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	return headerLine.Match(first)
}

// wordDecoder decodes RFC 2047 encoded words in any charset go-message
// knows.
var wordDecoder = mime.WordDecoder{CharsetReader: func(cs string, in io.Reader) (io.Reader, error) {
	if message.CharsetReader == nil {
		return nil, fmt.Errorf("unhandled charset %q", cs)
	}
	return message.CharsetReader(strings.ToLower(cs), in)
}}

// headerText decodes an unstructured header field, repairing raw 8-bit
// Latin-1 that some old mailers wrote.
func headerText(raw string) string {
	s, err := wordDecoder.DecodeHeader(raw)
	if err != nil {
		s = raw
	}
	return normalize(validUTF8(s))
}

// validUTF8 returns s, reading it as Latin-1 when it is not valid UTF-8.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteRune(rune(s[i]))
	}
	return b.String()
}

var angleAddr = regexp.MustCompile(`<([^<>@\s]+@[^<>\s]+)>`)

// messageID is a message's Message-ID without angle brackets, read the
// same way wherever triage compares Message-IDs.
func messageID(mh mail.Header) string {
	id, err := mh.MessageID()
	if err != nil || id == "" {
		id = strings.Trim(strings.TrimSpace(mh.Get("Message-Id")), "<>")
	}
	return CleanMessageID(id)
}

// CleanMessageID returns a Message-ID (without angle brackets) as Parse
// reads it: valid UTF-8, without control characters. A Message-ID has none
// (RFC 5322 section 3.6.4), and one a broken mailer wrote (a NUL above all)
// could not be searched for over IMAP nor kept as a key. Older versions of
// triage kept them: comparing a stored Message-ID with one read now goes
// through this.
func CleanMessageID(id string) string {
	s := validUTF8(id)
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// fillHeader sets the header fields of msg from h, as far as they can be
// read.
func fillHeader(msg *Message, h message.Header) {
	mh := mail.Header{Header: h}
	msg.MessageID = messageID(mh)
	if d, err := headerDate(mh); err == nil {
		msg.Date = d
	}
	msg.Subject = headerText(h.Get("Subject"))
	msg.Template = headerText(h.Get("X-LinkedIn-Template"))
	if addrs, err := mh.AddressList("From"); err == nil && len(addrs) > 0 {
		msg.From = strings.ToLower(addrs[0].Address)
		msg.FromName = normalize(validUTF8(addrs[0].Name))
	} else if raw := h.Get("From"); raw != "" {
		// Lenient fallback for From fields net/mail rejects.
		if m := angleAddr.FindStringSubmatch(raw); m != nil {
			msg.From = strings.ToLower(m[1])
			name := strings.TrimSpace(raw[:strings.Index(raw, m[0])])
			msg.FromName = strings.Trim(headerText(name), `"`)
		} else if strings.Contains(raw, "@") && !strings.ContainsAny(strings.TrimSpace(raw), " \t") {
			msg.From = strings.ToLower(strings.TrimSpace(raw))
		}
	}
	msg.From = validUTF8(msg.From)
}

// toName returns the display name of the first To address.
func toName(h mail.Header) string {
	if addrs, err := h.AddressList("To"); err == nil && len(addrs) > 0 {
		return normalize(validUTF8(addrs[0].Name))
	}
	return ""
}

// isLinkedInAddress reports whether addr is at linkedin.com or one of its
// subdomains.
func isLinkedInAddress(addr string) bool {
	_, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return false
	}
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	return domain == "linkedin.com" || strings.HasSuffix(domain, ".linkedin.com")
}

// bodies holds the decoded text/plain and text/html parts of a message.
type bodies struct {
	text, html         string
	haveText, haveHTML bool
	parts              int
	buf                []byte // reused to read and decode each part
}

// A part is a MIME entity as collectRaw reads it: its header and its
// body, raw (still in its transfer encoding) unless decoded is set. The
// body is read from r, or is raw when r is nil.
type part struct {
	header  message.Header
	r       io.Reader
	raw     []byte
	decoded bool // r reads the decoded body (go-message's Entity.Body)
}

// entityPart returns e, an entity as go-message returns it, as a part:
// its body is decoded unless it is multipart (go-message leaves those
// raw). raw, if not nil, is e's raw body, which lets a quoted-printable
// body be decoded by collectRaw rather than by go-message.
func entityPart(e *message.Entity, raw []byte) part {
	mt, _, _ := e.Header.ContentType()
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		return part{header: e.Header, r: e.Body}
	case raw != nil && isQuotedPrintable(e.Header):
		return part{header: e.Header, raw: raw}
	}
	return part{header: e.Header, r: e.Body, decoded: true}
}

func isQuotedPrintable(h message.Header) bool {
	return strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable")
}

// bodyStart returns the offset of the body in a message whose header
// section message.Read has read, where textproto.ReadHeader stops: just
// after the first empty line (a line is empty when it holds nothing or a
// lone CR before its LF), or len(data) when no line is empty.
func bodyStart(data []byte) int {
	for i := 0; i < len(data); {
		switch {
		case data[i] == '\n':
			return i + 1
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			return i + 2
		}
		nl := bytes.IndexByte(data[i:], '\n')
		if nl < 0 {
			break
		}
		i += nl + 1
	}
	return len(data)
}

// collectRaw walks p and keeps the first text/plain and text/html parts
// that are not attachments.
func collectRaw(p part, b *bodies, depth int) error {
	b.parts++
	if b.parts > maxParts {
		return fmt.Errorf("more than %d MIME parts", maxParts)
	}
	mediaType, params, err := p.header.ContentType()
	if err != nil {
		if p.header.Get("Content-Type") != "" {
			return fmt.Errorf("malformed Content-Type %q: %w", p.header.Get("Content-Type"), err)
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
		// go-message's own multipart reader would wrap each part in its
		// transfer decoding; read the raw parts with its textproto reader
		// and decode the wanted ones below.
		mr := textproto.NewMultipartReader(p.r, params["boundary"])
		seen := 0
		for {
			tp, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return multipartError(mediaType, seen, err)
			}
			seen++
			h := message.Header{Header: tp.Header}
			if enc := h.Get("Content-Transfer-Encoding"); !knownEncoding(enc) {
				// As message.New: the encoding of a multipart entity is
				// ignored.
				if mt, _, _ := h.ContentType(); !strings.HasPrefix(mt, "multipart/") {
					return fmt.Errorf("part %d of %s: unknown transfer encoding %q", seen, mediaType, enc)
				}
			}
			if err := collectRaw(part{header: h, r: tp}, b, depth+1); err != nil {
				return err
			}
		}
		if seen == 0 {
			return fmt.Errorf("%s has no parts", mediaType)
		}
		return nil
	}
	if disp, _, _ := p.header.ContentDisposition(); strings.EqualFold(disp, "attachment") {
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
	s, err := b.decode(p, params)
	if err != nil {
		return bodyError(mediaType, p.header.Get("Content-Transfer-Encoding"), depth > 0, err)
	}
	if mediaType == "text/plain" && strings.EqualFold(params["format"], "flowed") {
		s = unflow(s, strings.EqualFold(params["delsp"], "yes"))
	}
	*dst = s
	return nil
}

// knownEncoding reports whether go-message decodes the transfer encoding
// enc.
func knownEncoding(enc string) bool {
	switch strings.ToLower(enc) {
	case "quoted-printable", "base64", "7bit", "8bit", "binary", "":
		return true
	}
	return false
}

// decode returns the body of the text part p decoded to UTF-8, params
// being its Content-Type parameters. Quoted-printable, the encoding of
// nearly all notification mail, is decoded here in one pass over the raw
// bytes; other encodings are read through go-message.
func (b *bodies) decode(p part, params map[string]string) (string, error) {
	if p.decoded || !isQuotedPrintable(p.header) {
		r := p.r
		if !p.decoded {
			e, _ := message.New(p.header, p.r) // decodes the transfer encoding and charset
			r = e.Body
		}
		var err error
		if b.buf, err = readAll(b.buf[:0], r); err != nil {
			return "", err
		}
		return textString(b.buf), nil
	}
	src, srcErr := p.raw, error(nil)
	if p.r != nil {
		b.buf, srcErr = readAll(b.buf[:0], p.r)
		src = b.buf
	}
	out, err := decodeQP(b.buf[:0], src, srcErr) // in place for a part
	if err != nil {
		return "", err
	}
	// The charset, as message.New handles it.
	if cs, ok := params["charset"]; ok {
		cs = strings.ToLower(cs)
		if cs != "utf-8" && cs != "us-ascii" && message.CharsetReader != nil {
			if r, err := message.CharsetReader(cs, bytes.NewReader(out)); err == nil {
				if out, err = io.ReadAll(r); err != nil {
					return "", err
				}
			}
		}
	}
	return textString(out), nil
}

// readAll appends all of r to buf, like io.ReadAll.
func readAll(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return buf, err
		}
	}
}

// textString returns b as a string, reading it as Latin-1 when it is not
// valid UTF-8 (as validUTF8 does).
func textString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return validUTF8(string(b))
}

// hasBody reports whether anything but white space follows the header
// section.
func hasBody(data []byte) bool {
	_, body, ok := bytes.Cut(data, []byte("\n\r\n"))
	if !ok {
		_, body, ok = bytes.Cut(data, []byte("\n\n"))
	}
	return ok && len(bytes.TrimSpace(body)) > 0
}

// qpTruncated reports whether the raw body of a single-part
// quoted-printable message was cut short: it ends in a soft line break
// ("=") with no line after it, or inside an "=XX" escape. (Inside a
// multipart body the same cut shows as a missing closing boundary.)
func qpTruncated(data []byte) bool {
	_, body, ok := bytes.Cut(data, []byte("\n\r\n"))
	if !ok {
		_, body, ok = bytes.Cut(data, []byte("\n\n"))
	}
	if !ok {
		return false
	}
	body = bytes.TrimRight(body, " \t")
	if len(body) == 0 {
		return false
	}
	if body[len(body)-1] == '=' {
		return true
	}
	return len(body) >= 2 && body[len(body)-2] == '='
}

// multipartError explains an error from reading the parts of a multipart
// body.
func multipartError(mediaType string, seen int, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF") {
		if seen == 0 {
			return fmt.Errorf("%s body has no part boundary (truncated or wrong boundary): %w", mediaType, err)
		}
		return fmt.Errorf("%s body is truncated after part %d (closing boundary missing): %w", mediaType, seen, err)
	}
	return fmt.Errorf("reading %s part %d: %w", mediaType, seen+1, err)
}

// bodyError explains an error from decoding a part's body. Inside a
// multipart body, an unexpected end is the multipart body's: its closing
// boundary is missing.
func bodyError(mediaType, enc string, inMultipart bool, err error) error {
	enc = strings.ToLower(strings.TrimSpace(enc))
	truncated := errors.Is(err, io.ErrUnexpectedEOF)
	switch {
	case truncated && inMultipart:
		return fmt.Errorf("%s part is truncated: the multipart body ends without its closing boundary: %w", mediaType, err)
	case truncated && (enc == "quoted-printable" || enc == "base64"):
		return fmt.Errorf("%s body is truncated: %s data ends mid-escape: %w", mediaType, enc, err)
	case truncated:
		return fmt.Errorf("%s body is truncated: %w", mediaType, err)
	case enc == "quoted-printable" || enc == "base64":
		return fmt.Errorf("%s part: malformed %s body: %w", mediaType, enc, err)
	}
	return fmt.Errorf("%s part: %w", mediaType, err)
}
