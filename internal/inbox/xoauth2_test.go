package inbox

import (
	"testing"
)

func TestXOAuth2Client(t *testing.T) {
	c := newXOAuth2Client("me@example.com", "ya29.tok")
	mech, ir, err := c.Start()
	want := "user=me@example.com\x01auth=Bearer ya29.tok\x01\x01"
	if mech != "XOAUTH2" || string(ir) != want || err != nil {
		t.Errorf("Start() = %q, %q, %v, want XOAUTH2, %q", mech, ir, err, want)
	}
	// The server's error challenge gets an empty response.
	resp, err := c.Next([]byte(`{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}`))
	if err != nil || len(resp) != 0 || c.status == nil || c.status.Status != "401" {
		t.Errorf("Next(error challenge) = %q, %v, status %+v; want empty response and status 401", resp, err, c.status)
	}
	if _, err := c.Next([]byte("{}")); err == nil {
		t.Errorf("Next after the error challenge succeeded, want an error")
	}

	c = newXOAuth2Client("me@example.com", "tok")
	if resp, err := c.Next([]byte("not json")); err != nil || len(resp) != 0 || c.status.Status == "" {
		t.Errorf("Next(unreadable challenge) = %q, %v, status %+v", resp, err, c.status)
	}
}

func TestOAuthBearerClient(t *testing.T) {
	c := newOAuthBearerClient("me@example.com", "tok", "imap.example.com", 993)
	mech, ir, err := c.Start()
	want := "n,a=me@example.com,\x01host=imap.example.com\x01port=993\x01auth=Bearer tok\x01\x01"
	if mech != "OAUTHBEARER" || string(ir) != want || err != nil {
		t.Errorf("Start() = %q, %q, %v, want OAUTHBEARER, %q", mech, ir, err, want)
	}
	resp, err := c.Next([]byte(`{"status":"invalid_token","schemes":"bearer"}`))
	if err != nil || string(resp) != "\x01" || c.status.Status != "invalid_token" {
		t.Errorf("Next(error challenge) = %q, %v, status %+v; want ^A and invalid_token", resp, err, c.status)
	}
}
