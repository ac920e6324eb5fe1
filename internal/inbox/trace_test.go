package inbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"testing"
)

// traceOf feeds a conversation to a tracer, in chunks of size n (0: whole
// writes), and returns the trace.
func traceOf(steps []traceStep, n int) string {
	var out bytes.Buffer
	tr := newTracer(&out)
	in, outDir := &traceLines{t: tr}, &traceLines{t: tr, client: true}
	for _, st := range steps {
		dir := in
		if st.client {
			dir = outDir
		}
		b := []byte(st.data)
		if n == 0 {
			dir.feed(b)
			continue
		}
		for len(b) > 0 {
			k := min(n, len(b))
			dir.feed(b[:k])
			b = b[k:]
		}
	}
	return out.String()
}

type traceStep struct {
	client bool
	data   string
}

func clientSays(d string) traceStep { return traceStep{true, d} }
func serverSays(d string) traceStep { return traceStep{false, d} }

func TestTraceRedaction(t *testing.T) {
	tests := []struct {
		name  string
		steps []traceStep
		want  string
	}{
		{"login quoted",
			[]traceStep{clientSays("T1 LOGIN \"me@example.com\" \"hunter2\"\r\n"), serverSays("T1 OK done\r\n")},
			"C: T1 LOGIN [redacted]\nS: T1 OK done\n"},
		{"login literals",
			[]traceStep{clientSays("T1 LOGIN {14}\r\n"), serverSays("+ Ready\r\n"), clientSays("me@example.com {8}\r\n"), serverSays("+ Ready\r\n"), clientSays("hunter2!\r\n"), serverSays("T1 OK done\r\n")},
			"S: + Ready\nS: + Ready\nC: T1 LOGIN [redacted]\nS: T1 OK done\n"},
		{"login literal plus",
			[]traceStep{clientSays("T1 LOGIN {14+}\r\nme@example.com {8+}\r\nhunter2!\r\n"), serverSays("T1 OK done\r\n")},
			"C: T1 LOGIN [redacted]\nS: T1 OK done\n"},
		{"authenticate with initial response and error challenge",
			[]traceStep{
				clientSays("T2 AUTHENTICATE XOAUTH2 dXNlcj1tZQFhdXRoPUJlYXJlciB0b2sBAQ==\r\n"),
				serverSays("+ eyJzdGF0dXMiOiI0MDEifQ==\r\n"),
				clientSays("=\r\n"),
				serverSays("T2 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"),
				clientSays("T3 CAPABILITY\r\n"),
			},
			"C: T2 AUTHENTICATE XOAUTH2 [redacted]\nS: + [redacted]\nC: [redacted]\n" +
				"S: T2 NO [AUTHENTICATIONFAILED] Invalid credentials\nC: T3 CAPABILITY\n"},
		{"authenticate without initial response",
			[]traceStep{clientSays("T2 AUTHENTICATE PLAIN\r\n"), serverSays("+ \r\n"), clientSays("AG1lAGh1bnRlcjI=\r\n"), serverSays("T2 OK [CAPABILITY IMAP4rev1] ok\r\n")},
			"C: T2 AUTHENTICATE PLAIN\nS: + [redacted]\nC: [redacted]\nS: T2 OK [CAPABILITY IMAP4rev1] ok\n"},
		{"fetch body literal",
			[]traceStep{
				clientSays("T4 UID FETCH 5 (UID BODY.PEEK[])\r\n"),
				serverSays("* 1 FETCH (UID 5 BODY[] {29}\r\nSecret body\r\nmore secret body)\r\nT4 OK Fetch done\r\n"),
			},
			"C: T4 UID FETCH 5 (UID BODY.PEEK[])\nS: * 1 FETCH (UID 5 BODY[] {29 bytes})\nS: T4 OK Fetch done\n"},
		{"append literal from client",
			[]traceStep{clientSays("T5 APPEND INBOX {12+}\r\nHello world!\r\n"), serverSays("T5 OK\r\n")},
			"C: T5 APPEND INBOX {12 bytes}\nS: T5 OK\n"},
		{"linkedin link and control characters",
			[]traceStep{serverSays("* OK see https://www.linkedin.com/comm/invitations?midToken=AQE&otpToken=x \x1b[31mred\r\n")},
			"S: * OK see https://www.linkedin.com/comm/invitations?[redacted] \uFFFD[31mred\n"},
	}
	for _, tt := range tests {
		for _, n := range []int{0, 1, 3} {
			if got := traceOf(tt.steps, n); got != tt.want {
				t.Errorf("%s (chunks of %d): trace =\n%s\nwant\n%s", tt.name, n, got, tt.want)
			}
		}
	}
}

func TestTraceLongLine(t *testing.T) {
	line := "* SEARCH" + strings.Repeat(" 12345", 1000) + "\r\n"
	got := traceOf([]traceStep{serverSays(line)}, 0)
	if len(got) > maxTraceLine+100 || !strings.Contains(got, "more bytes)") {
		t.Errorf("trace of a %d-byte line is %d bytes: %.100q", len(line), len(got), got)
	}
	// A literal announced beyond the cut is still skipped.
	line = "* 1 FETCH (BODY[HEADER.FIELDS (" + strings.Repeat("X-A ", 1000) + ")] {6}\r\nsecret)\r\n* OK next\r\n"
	got = traceOf([]traceStep{serverSays(line)}, 7)
	if strings.Contains(got, "secret") || !strings.Contains(got, "S: * OK next\n") {
		t.Errorf("trace after a long literal line = %q", got)
	}
}

// TestTraceSession runs real sessions with a trace and checks that no
// password, token or message content shows while the commands do.
func TestTraceSession(t *testing.T) {
	const body = "The body says Zebra-7741 and https://www.linkedin.com/comm/accept?midToken=SECRETMID"
	tests := []struct {
		name     string
		mechs    []string
		password string
		auth     string
		want     []string
		secrets  []string
	}{
		{"login ascii", []string{}, "plain-Pa55word", "",
			[]string{"LOGIN [redacted]"}, []string{"plain-Pa55word"}},
		{"login literal", []string{}, "pässwörd-ÜTF8", "",
			[]string{"LOGIN [redacted]"}, []string{"pässwörd", "ÜTF8"}},
		{"authenticate plain", nil, testPassword, "",
			[]string{"AUTHENTICATE PLAIN [redacted]"},
			[]string{testPassword, base64.StdEncoding.EncodeToString([]byte("\x00" + testUser + "\x00" + testPassword))}},
		{"xoauth2", nil, testPassword, AuthXOAuth2,
			[]string{"AUTHENTICATE XOAUTH2 [redacted]"},
			[]string{testToken, base64.StdEncoding.EncodeToString([]byte("user=" + testUser + "\x01auth=Bearer " + testToken + "\x01\x01"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, testServerOptions{mechs: tt.mechs, password: tt.password})
			uid := ts.add("INBOX", imapTestMessage("LinkedIn <invitations@linkedin.com>", "Jane wants to connect", "j@linkedin.com", body))
			a := ts.account(t)
			t.Setenv("TRIAGE_TEST_PASSWORD", tt.password)
			if tt.auth != "" {
				a.Auth, a.PasswordEnv, a.TokenCommand = tt.auth, "", "echo "+testToken
			}
			var trace bytes.Buffer
			sess := dialTest(t, a, DialOptions{Trace: &trace})
			ctx := context.Background()
			if _, err := sess.Select(ctx, "INBOX"); err != nil {
				t.Fatal(err)
			}
			uids, err := sess.SearchCandidates(ctx, SearchCriteria{Subjects: testSubjects})
			if err != nil {
				t.Fatal(err)
			}
			var fetched []byte
			err = sess.Fetch(ctx, uids, func(m FetchedMessage) error {
				fetched, err = io.ReadAll(m.Body)
				return err
			})
			if err != nil || !bytes.Contains(fetched, []byte("Zebra-7741")) {
				t.Fatalf("Fetch = %q, %v", fetched, err)
			}
			if _, err := sess.Apply(ctx, uid, Action{Keyword: "$Triage_accept"}, true); err != nil {
				t.Fatal(err)
			}
			if err := sess.Logout(); err != nil {
				t.Fatal(err)
			}

			got := trace.String()
			want := append(tt.want, "SELECT INBOX", "UID SEARCH", "UID FETCH", "BODY.PEEK[]", "bytes}", "UID STORE", "LOGOUT")
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("trace lacks %q", w)
				}
			}
			for _, secret := range append(tt.secrets, "Zebra-7741", "SECRETMID", "midToken") {
				if strings.Contains(got, secret) {
					t.Errorf("trace shows %q", secret)
				}
			}
			if t.Failed() || testing.Verbose() {
				t.Logf("trace:\n%s", got)
			}
		})
	}
}

// FuzzTrace checks properties of the trace for any byte stream: the same
// trace whatever the read sizes, only "C: "/"S: " lines without control
// characters, and a literal's contents never shown when it is framed
// correctly.
func FuzzTrace(f *testing.F) {
	f.Add([]byte("* 1 FETCH (UID 5 BODY[] {3}\r\nabc)\r\nT4 OK done\r\n"), "UID 7 BODY[]", []byte("From: x\r\n\r\nbody"), uint8(3), true)
	f.Add([]byte("T1 LOGIN {4+}\r\nuser {4+}\r\npass\r\n"), "", []byte{0, 1, 2}, uint8(1), false)
	f.Add([]byte("+ eyJ9\r\n\x1b[2J* BYE\r\n"), "{12}", []byte("x"), uint8(7), true)
	f.Fuzz(func(t *testing.T, stream []byte, prefix string, lit []byte, chunk uint8, server bool) {
		step := traceStep{client: !server, data: string(stream)}
		whole := traceOf([]traceStep{step}, 0)
		if got := traceOf([]traceStep{step}, int(chunk%16)+1); got != whole {
			t.Fatalf("trace depends on chunking:\n%q\nvs\n%q", got, whole)
		}
		for _, line := range strings.Split(strings.TrimSuffix(whole, "\n"), "\n") {
			if line == "" {
				continue
			}
			if !strings.HasPrefix(line, "C: ") && !strings.HasPrefix(line, "S: ") {
				t.Fatalf("trace line %q has no direction", line)
			}
			if strings.ContainsFunc(line, func(r rune) bool { return r < ' ' || r == 0x7f }) {
				t.Fatalf("trace line %q has control characters", line)
			}
		}

		// A correctly framed literal never shows.
		const marker = "MARKER-0xC0FFEE"
		prefix = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == '{' || r == '}' {
				return -1
			}
			return r
		}, prefix)
		body := string(lit) + marker + string(lit)
		framed := "* 1 FETCH (" + prefix + " BODY[] {" + strconv.Itoa(len(body)) + "}\r\n" + body + ")\r\n"
		if got := traceOf([]traceStep{{client: !server, data: framed}}, int(chunk%16)+1); strings.Contains(got, marker) {
			t.Fatalf("trace shows a literal's contents: %q", got)
		}
	})
}
