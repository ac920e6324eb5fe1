package inbox

import (
	"net/mail"
	"testing"
	"time"

	message "github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

// checkHeaderDate fails when headerDate and mail.Header.Date disagree on v.
func checkHeaderDate(t *testing.T, v string) {
	t.Helper()
	var h gomail.Header
	h.Header = message.Header{}
	h.Set("Date", v)
	got, gotErr := headerDate(h)
	want, wantErr := h.Date()
	if (gotErr == nil) != (wantErr == nil) || !sameInstantAndZone(got, want) {
		t.Errorf("headerDate(%q) = %v, %v; mail.Header.Date = %v, %v", v, got, gotErr, want, wantErr)
	}
	if ft, ok := fastDate(v); ok {
		if pt, err := mail.ParseDate(v); err != nil || !sameInstantAndZone(ft, pt) {
			t.Errorf("fastDate(%q) = %v; net/mail.ParseDate = %v, %v", v, ft, pt, err)
		}
	}
}

// sameInstantAndZone reports whether a and b are the same instant shown in
// the same zone (name and offset), as a record or report prints it.
func sameInstantAndZone(a, b time.Time) bool {
	an, ao := a.Zone()
	bn, bo := b.Zone()
	return a.Equal(b) && an == bn && ao == bo && a.Format(time.RFC3339Nano) == b.Format(time.RFC3339Nano)
}

var dateCases = []struct {
	v    string
	fast bool // the fast path decides it
}{
	{"Tue, 9 Jun 2016 08:03:51 +0000 (UTC)", true},
	{"Tue, 15 Nov 2011 09:12:44 -0800 (PST)", true},
	{"Thu, 9 May 2024 10:11:12 +0200", true},
	{"  Thu, 09 May 2024 10:11:12 +0200  ", true},
	{"Thu, 9 May 2024 10:11:12 +0200 trailing words", true},
	{"Thu, 9 May 2024 10:11:12 +0200 (a) (b)", false},
	{"Thu, 9 May 2024 10:11:12 +0200 (unclosed", false},
	{"Thu, 9 May 2024 10:11:12 +0200 (nested (x))", false},
	{"Thu, 9 May 24 10:11:12 +0200", false},  // two-digit year: ParseDate's later layout
	{"Thu, 9 May 2024 10:11 +0200", false},   // no seconds
	{"Mon, 9 May 2024 10:11:12 +0200", true}, // wrong weekday: both ignore it
	{"9 May 2024 10:11:12 +0200", false},
	{"Thu, 9 May 2024 10:11:12 GMT", false},
	{"Thu, 9 May 2024 10:11:12 +02", false},
	{"Thu, 9 May 2024 10:11:12 +0260", true},
	{"Thu, 32 May 2024 10:11:12 +0200", false},
	{"Thu, 9 May 2024 10:11:12 +0200\r\n (UTC)", false},
	{"Thu,\r\n 9 May 2024 10:11:12 +0200", false},
	{"", false},
	{"garbage", false},
	{"Thu, 9 May 2024 10:11:12 -0000 (\\))", false},
}

func TestHeaderDate(t *testing.T) {
	for _, c := range dateCases {
		checkHeaderDate(t, c.v)
		if _, ok := fastDate(c.v); ok != c.fast {
			t.Errorf("fastDate(%q) decided = %v, want %v", c.v, ok, c.fast)
		}
	}
}

func FuzzHeaderDate(f *testing.F) {
	for _, c := range dateCases {
		f.Add(c.v)
	}
	f.Fuzz(func(t *testing.T, v string) { checkHeaderDate(t, v) })
}
