package inbox

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestSource(t *testing.T) {
	tests := []struct {
		account, mailbox string
		validity, uid    uint32
		want             string
	}{
		{"work", "INBOX", 1700000000, 42, "imap://work/INBOX;UIDVALIDITY=1700000000/;UID=42"},
		{"home", "LinkedIn/Ignore", 7, 1, "imap://home/LinkedIn/Ignore;UIDVALIDITY=7/;UID=1"},
		{"my mail", "Boîte;x?", 3, 9, "imap://my%20mail/Bo%C3%AEte%3Bx%3F;UIDVALIDITY=3/;UID=9"},
	}
	for _, tt := range tests {
		if got := Source(tt.account, tt.mailbox, tt.validity, tt.uid); got != tt.want {
			t.Errorf("Source(%q, %q, %d, %d) = %q, want %q", tt.account, tt.mailbox, tt.validity, tt.uid, got, tt.want)
		}
	}
}

// sourceSlow is Source as it was first written: the oracle.
func sourceSlow(account, mailbox string, uidValidity, uid uint32) string {
	levels := strings.Split(mailbox, "/")
	for i, l := range levels {
		levels[i] = url.PathEscape(l)
	}
	return fmt.Sprintf("imap://%s/%s;UIDVALIDITY=%d/;UID=%d",
		url.PathEscape(account), strings.Join(levels, "/"), uidValidity, uid)
}

func FuzzSource(f *testing.F) {
	f.Add("work", "INBOX", uint32(1700000000), uint32(42))
	f.Add("my mail", "Boîte;x?/a//b/", uint32(0), uint32(4294967295))
	f.Add("", "", uint32(1), uint32(0))
	f.Fuzz(func(t *testing.T, account, mailbox string, validity, uid uint32) {
		if got, want := Source(account, mailbox, validity, uid), sourceSlow(account, mailbox, validity, uid); got != want {
			t.Errorf("Source(%q, %q, %d, %d) = %q, want %q", account, mailbox, validity, uid, got, want)
		}
	})
}

func TestSourceAllocatesOnce(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Source("work", "LinkedIn/Ignore", 1700000000, 42) }); n != 1 {
		t.Errorf("Source allocates %v times, want 1", n)
	}
}
