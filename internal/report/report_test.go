package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func intp(n int) *int       { return &n }
func strp(s string) *string { return &s }

// sampleEntries covers every kind and the optional parts of a record.
func sampleEntries() []Entry {
	date := time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)
	draft := "Hi Lena,\n\nThanks for the request. If we have met, I apologise, I don't recall. What is it that impressed you, and how might we both benefit from connecting?\n\nBest regards\n"
	no := false
	return []Entry{
		{
			Source: "inbox/priya.eml", MessageID: "1234.abc@linkedin.com", Date: date, Kind: KindInvitation,
			Assessment: &Assessment{
				Inviter: Inviter{
					Name: "Priya Raman", FirstName: "Priya", Headline: "Staff Data Engineer at Contoso Health",
					Title: "Staff Data Engineer", Company: "Contoso Health", Location: "Rotterdam, Netherlands",
					ProfileURL: "https://www.linkedin.com/in/priya-raman-data/", MutualConnections: intp(14),
				},
				Note:      "Hi Robin, Marco de Vries suggested I reach out after your talk on streaming pipelines at Data Council Amsterdam. We are solving the same backfill problem and I would love to compare notes.",
				NoteClass: policy.NotePersonalised, InvitationID: "7301122334455667788", Score: 9, Verdict: policy.Accept,
				Reasons: []policy.Reason{
					{Rule: "note.personalised", Points: 5, Why: "the note names a mutual connection (Marco de Vries)"},
					{Rule: "mutual", Points: 4, Why: "14 connections in common"},
					{Rule: "connections", Points: 0, Why: "connection count unknown: no points"},
				},
			},
		},
		{
			Source: "inbox/lena.eml", MessageID: "5678.def@linkedin.com", Date: date, Kind: KindInvitation,
			Assessment: &Assessment{
				Inviter:   Inviter{Name: "Lena Fischer", FirstName: "Lena", Headline: "Consultant", Location: "Munich"},
				Note:      "I was impressed by your profile!",
				NoteClass: policy.NoteGeneric, Score: 0, Verdict: policy.Clarify, Reminder: true,
				Reasons: []policy.Reason{{Rule: "note.generic", Points: -1, Why: "a vague compliment"}, {Rule: "reminder", Points: 1, Why: "sent a reminder"}},
				Draft:   &draft,
			},
			New: &no, Actions: []string{"keyword $Triage_clarify"}, Applied: &no,
		},
		{
			Source: "inbox/lion.mbox#2", Kind: KindInvitation,
			Assessment: &Assessment{
				Inviter:   Inviter{Name: "Max Growth", Headline: "LION 30K+ | max@growth.example"},
				Note:      "I'd like to join your LinkedIn network.",
				NoteClass: policy.NoteDefault, LION: true, Score: -8, Verdict: policy.Ignore,
				Reasons: []policy.Reason{{Rule: "lion", Points: -8, Why: "open networker markers in the headline: LION, 30K+, an email address"}},
			},
		},
		{Source: "inbox/accepted.eml", MessageID: "9.ghi@linkedin.com", Date: date, Kind: KindNotInvitation, Subject: "Marina accepted your invitation"},
		{Source: "inbox/broken.mbox#3", Kind: KindError, Error: "quoted-printable body is truncated"},
	}
}

func TestWritersGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		writer func(out *bytes.Buffer) Writer
	}{
		{"entries.golden.txt", func(out *bytes.Buffer) Writer { return NewHuman(out, out) }},
		{"entries.golden.jsonl", func(out *bytes.Buffer) Writer { return NewJSON(out) }},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var out bytes.Buffer
			w := tc.writer(&out)
			for _, e := range sampleEntries() {
				if err := w.Write(e); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.golden)
			if *update {
				if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != string(want) {
				t.Errorf("output differs from %s (run go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// TestJSONFields checks the field names and null rules scripts rely on,
// independently of the golden file.
func TestJSONFields(t *testing.T) {
	var out bytes.Buffer
	w := NewJSON(&out)
	for _, e := range sampleEntries() {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(sampleEntries()) {
		t.Fatalf("got %d lines, want %d", len(lines), len(sampleEntries()))
	}
	var recs []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		recs = append(recs, m)
	}
	invKeys := []string{"source", "message_id", "date", "kind", "inviter", "note", "note_class", "lion", "reminder", "invitation_id", "score", "verdict", "reasons", "draft"}
	for _, k := range invKeys {
		if _, ok := recs[0][k]; !ok {
			t.Errorf("invitation record lacks %q: %s", k, lines[0])
		}
	}
	inviter := recs[0]["inviter"].(map[string]any)
	for _, k := range []string{"name", "first_name", "headline", "title", "company", "location", "profile_url", "connections", "mutual_connections"} {
		if _, ok := inviter[k]; !ok {
			t.Errorf("inviter lacks %q", k)
		}
	}
	if inviter["connections"] != nil {
		t.Errorf("unknown connections = %v, want null", inviter["connections"])
	}
	if inviter["mutual_connections"] != float64(14) {
		t.Errorf("mutual_connections = %v, want 14", inviter["mutual_connections"])
	}
	if recs[0]["date"] != "2025-03-14T09:26:53Z" {
		t.Errorf("date = %v, want RFC 3339 2025-03-14T09:26:53Z", recs[0]["date"])
	}
	if recs[0]["verdict"] != "accept" || recs[0]["note_class"] != "personalised" || recs[0]["draft"] != nil {
		t.Errorf("record 0 = %s, want verdict accept, note_class personalised, draft null", lines[0])
	}
	if r := recs[0]["reasons"].([]any)[0].(map[string]any); r["rule"] != "note.personalised" || r["points"] != float64(5) || r["why"] == "" {
		t.Errorf("reasons[0] = %v", r)
	}
	if recs[1]["verdict"] != "clarify" || !strings.Contains(fmt.Sprint(recs[1]["draft"]), "impressed you") {
		t.Errorf("record 1 = %s, want verdict clarify and a draft", lines[1])
	}
	if recs[1]["new"] != false || recs[1]["applied"] != false || recs[1]["actions"].([]any)[0] != "keyword $Triage_clarify" {
		t.Errorf("record 1 sweep fields = %s", lines[1])
	}
	for _, k := range []string{"new", "actions", "applied", "date"} {
		if _, ok := recs[2][k]; ok {
			t.Errorf("record 2 has %q, want it omitted: %s", k, lines[2])
		}
	}
	if recs[2]["lion"] != true || recs[2]["verdict"] != "ignore" {
		t.Errorf("record 2 = %s, want lion true, verdict ignore", lines[2])
	}
	for i, kind := range map[int]string{3: "not_invitation", 4: "error"} {
		if recs[i]["kind"] != kind {
			t.Errorf("record %d kind = %v, want %s", i, recs[i]["kind"], kind)
		}
		for _, k := range []string{"verdict", "score", "inviter", "draft"} {
			if _, ok := recs[i][k]; ok {
				t.Errorf("%s record has %q: %s", kind, k, lines[i])
			}
		}
	}
	if recs[4]["error"] != "quoted-printable body is truncated" || recs[4]["source"] != "inbox/broken.mbox#3" {
		t.Errorf("error record = %s", lines[4])
	}
	if recs[3]["message_id"] != "9.ghi@linkedin.com" {
		t.Errorf("not_invitation record = %s, want its message_id", lines[3])
	}
}

func TestJSONHasNoAcceptURL(t *testing.T) {
	inv := inbox.Invitation{
		Name: "Jane Doe", InvitationID: "42",
		AcceptURL: "https://www.linkedin.com/comm/mynetwork/invite-accept/invitationId/42/sharedKey/SECRETKEY/?midToken=MIDTOKEN",
	}
	e := Entry{Source: "a.eml", Kind: KindInvitation, Assessment: Assessed(inv, policy.Decision{Verdict: policy.Accept}, nil)}
	for _, w := range []func(*bytes.Buffer) Writer{
		func(b *bytes.Buffer) Writer { return NewJSON(b) },
		func(b *bytes.Buffer) Writer { return NewHuman(b, b) },
	} {
		var out bytes.Buffer
		wr := w(&out)
		if err := wr.Write(e); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"invite-accept", "SECRETKEY", "MIDTOKEN"} {
			if strings.Contains(out.String(), secret) {
				t.Errorf("output contains %q: %s", secret, out.String())
			}
		}
		if !strings.Contains(out.String(), "Jane Doe") {
			t.Errorf("output lacks the inviter: %s", out.String())
		}
	}
}

func TestAssessFailures(t *testing.T) {
	date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	msg := inbox.Message{MessageID: "m1@x", Date: date, Subject: "Marina accepted your invitation"}
	tests := []struct {
		err     error
		kind    Kind
		errText string
		subject string
	}{
		{fmt.Errorf("acceptance notice: %w", inbox.ErrNotInvitation), KindNotInvitation, "", msg.Subject},
		{errors.New("quoted-printable body is truncated"), KindError, "quoted-printable body is truncated", ""},
		{inbox.ErrTooLarge, KindError, inbox.ErrTooLarge.Error(), ""},
	}
	for _, tt := range tests {
		got := Assess("x.mbox#4", msg, tt.err, nil, nil)
		if len(got) != 1 {
			t.Fatalf("Assess(err %v) = %d entries, want 1", tt.err, len(got))
		}
		e := got[0]
		if e.Kind != tt.kind || e.Error != tt.errText || e.Subject != tt.subject || e.Source != "x.mbox#4" ||
			e.MessageID != "m1@x" || !e.Date.Equal(date) || e.Assessment != nil {
			t.Errorf("Assess(err %v) = %+v, want kind %s, error %q, subject %q with source, message ID and date", tt.err, e, tt.kind, tt.errText, tt.subject)
		}
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short note", 140, "short note"},
		{"  spaces\n\tand\nlines  ", 140, "spaces and lines"},
		{"one two three four five six", 15, "one two three…"},
		{"abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…"},
	}
	for _, tt := range tests {
		if got := excerpt(tt.in, tt.n); got != tt.want {
			t.Errorf("excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestTallyString(t *testing.T) {
	var tl Tally
	for _, e := range sampleEntries() {
		tl.Add(e)
	}
	if got, want := tl.String(), "3 invitations: 1 accept, 1 ignore, 1 clarify; 1 not an invitation; 1 unreadable"; got != want {
		t.Errorf("Tally.String() = %q, want %q", got, want)
	}
}
