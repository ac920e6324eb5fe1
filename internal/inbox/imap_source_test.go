package inbox

import "testing"

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
