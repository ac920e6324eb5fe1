package inbox

import (
	"strings"
	"testing"
)

func TestUnflow(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		delSp    bool
		want     string
	}{
		{"fixed lines stay", "Hi Paul,\nWe met at GopherCon.\n", false, "Hi Paul,\nWe met at GopherCon.\n"},
		{"a soft break joins", "Hi Paul, I read your post on trunk-based \ndevelopment and would like to connect.\n", false,
			"Hi Paul, I read your post on trunk-based development and would like to connect.\n"},
		{"several soft breaks, CRLF", "one \r\ntwo \r\nthree\r\nfour\r\n", false, "one two three\nfour\n"},
		{"DelSp=yes removes the space", "Zusammen\nar \nbeit\n", true, "Zusammen\narbeit\n"},
		{"space-stuffing is removed", " From here on\n >not a quote\n", false, "From here on\n>not a quote\n"},
		{"the signature separator is a line of its own", "Thanks \n-- \nJane\n", false, "Thanks \n-- \nJane\n"},
		{"an empty line after a flowed one stays", "Hi Paul, \n\nJane Doe\n", false, "Hi Paul, \n\nJane Doe\n"},
		{"quotes of another depth do not join", ">> deep \n> shallow\n", false, ">>deep \n>shallow\n"},
		{"quotes of the same depth join", "> one \n> two\n", false, ">one two\n"},
		{"a flowed last line", "one \ntwo ", false, "one two "},
		{"no newline at the end", "a\nb", false, "a\nb"},
		{"empty", "", false, ""},
	} {
		if got := unflow(tc.in, tc.delSp); got != tc.want {
			t.Errorf("%s: unflow(%q, %v) = %q, want %q", tc.name, tc.in, tc.delSp, got, tc.want)
		}
	}
}

// TestFlowedNote parses an invitation whose text part a client re-encoded
// as format=flowed: the note reads as one sentence, not cut at the soft
// line breaks.
func TestFlowedNote(t *testing.T) {
	const note = "Hi Paul, I read your post on trunk-based development and we are trying to move our monorepo the same way."
	msg := "From: Jane Doe <invitations@linkedin.com>\r\n" +
		"To: Paul Marsh <paul@example.com>\r\n" +
		"Subject: Jane Doe wants to connect\r\n" +
		"Message-ID: <flowed-1@linkedin.com>\r\n" +
		"Date: Mon, 07 Dec 2026 09:00:00 +0000\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n" +
		"Hi Paul, I read your post on trunk-based development and we are trying \r\n" +
		"to move our monorepo the same way.\r\n\r\n" +
		"Jane Doe\r\nStaff Engineer at Example\r\n\r\n" +
		"Accept: https://www.linkedin.com/comm/mynetwork/invite-accept/invitationId/7000000000000000001/sharedKey/abc/\r\n" +
		"View profile: https://www.linkedin.com/comm/in/jane-doe/\r\n"
	m, err := ParseBytes([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Invitations) != 1 || m.Invitations[0].Note != strings.TrimPrefix(note, "Hi Paul, ") && m.Invitations[0].Note != note {
		t.Fatalf("invitations %+v; want one, with the note %q", m.Invitations, note)
	}
}

func FuzzUnflow(f *testing.F) {
	f.Add("one \ntwo\n", false)
	f.Add("> a \n> b\n>> c\n", true)
	f.Add(" stuffed\n-- \nsig", false)
	f.Fuzz(func(t *testing.T, s string, delSp bool) {
		got := unflow(s, delSp)
		if len(got) > len(s) {
			t.Fatalf("unflow(%q) = %q, longer than its input", s, got)
		}
		// Without a soft break or a stuffed line, nothing changes.
		plain := true
		for line := range strings.Lines(s) {
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			if strings.HasSuffix(line, " ") || strings.HasPrefix(strings.TrimLeft(line, ">"), " ") || strings.Contains(line, "\r") {
				plain = false
			}
		}
		if plain && got != s {
			t.Fatalf("unflow(%q) = %q, want it unchanged", s, got)
		}
	})
}
