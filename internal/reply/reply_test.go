package reply

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
)

func clarify(class policy.NoteClass, evidence string) policy.Decision {
	return policy.Decision{Verdict: policy.Clarify, Score: 0, NoteClass: class, NoteEvidence: evidence}
}

func mustNew(t *testing.T, cfg Config) *Drafter {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v) = %v", cfg, err)
	}
	return d
}

func TestDraftQuestionMatchesDoubt(t *testing.T) {
	d := mustNew(t, Config{})
	tests := []struct {
		name  string
		inv   inbox.Invitation
		dec   policy.Decision
		doubt Doubt
		want  []string
	}{
		{
			name:  "no note",
			inv:   inbox.Invitation{Name: "Jane Doe", FirstName: "Jane"},
			dec:   clarify(policy.NoteNone, ""),
			doubt: DoubtNoReason,
			want:  []string{"Hi Jane,", "If we have met, I apologise, I don't recall.", "What is it about my profile that made you want to connect, and how might we both benefit?"},
		},
		{
			name:  "default note",
			inv:   inbox.Invitation{Name: "Jane Doe", FirstName: "Jane", Note: "I'd like to join your LinkedIn network.", DefaultNote: true},
			dec:   clarify(policy.NoteDefault, ""),
			doubt: DoubtNoReason,
			want:  []string{"What is it about my profile that made you want to connect"},
		},
		{
			name:  "generic expand network",
			inv:   inbox.Invitation{Name: "Omar Haddad", FirstName: "Omar", Note: "I'd like to expand my professional network."},
			dec:   clarify(policy.NoteGeneric, "expand my professional network"),
			doubt: DoubtNoReason,
			want:  []string{"Hi Omar,", "What is it about my profile"},
		},
		{
			name:  "vague compliment",
			inv:   inbox.Invitation{Name: "Lena Fischer", FirstName: "Lena", Note: "I was really impressed by your profile and would love to connect!"},
			dec:   clarify(policy.NoteGeneric, "impressed by your profile"),
			doubt: DoubtCompliment,
			want:  []string{"Hi Lena,", "What is it that impressed you"},
		},
		{
			name:  "compliment found in the note only",
			inv:   inbox.Invitation{Name: "Lena Fischer", FirstName: "Lena", Note: "Your background really stands out."},
			dec:   clarify(policy.NoteGeneric, ""),
			doubt: DoubtCompliment,
			want:  []string{"What is it that impressed you"},
		},
		{
			name:  "personalised but borderline",
			inv:   inbox.Invitation{Name: "Kenji Sato", FirstName: "Kenji", Note: "Saw your talk at GopherCon EU."},
			dec:   clarify(policy.NotePersonalised, "GopherCon"),
			doubt: DoubtPersonalised,
			want:  []string{"Hi Kenji,", "Thank you for your note.", "what you have in mind"},
		},
		{
			name:  "pitch borderline",
			inv:   inbox.Invitation{Name: "Sam Price", FirstName: "Sam", Note: "We help teams like yours ship faster."},
			dec:   clarify(policy.NotePitch, "we help teams like yours"),
			doubt: DoubtPitch,
			want:  []string{"Hi Sam,", "product or service you offer"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DoubtOf(tt.inv, tt.dec); got != tt.doubt {
				t.Errorf("DoubtOf(%q, %v) = %v, want %v", tt.inv.Note, tt.dec.NoteClass, got, tt.doubt)
			}
			dr, ok := d.Draft(tt.inv, tt.dec)
			if !ok {
				t.Fatalf("Draft(%q) ok = false, want true", tt.inv.Name)
			}
			for _, w := range tt.want {
				if !strings.Contains(dr.Body, w) {
					t.Errorf("Draft(%q).Body = %q, want it to contain %q", tt.inv.Name, dr.Body, w)
				}
			}
			if dr.To != tt.inv.Name {
				t.Errorf("Draft(%q).To = %q, want %q", tt.inv.Name, dr.To, tt.inv.Name)
			}
			if dr.Subject != DefaultSubject {
				t.Errorf("Draft(%q).Subject = %q, want %q", tt.inv.Name, dr.Subject, DefaultSubject)
			}
			checkRules(t, dr.Body)
		})
	}
}

func checkRules(t *testing.T, body string) {
	t.Helper()
	if n := utf8.RuneCountInString(body); n >= MaxBodyLen {
		t.Errorf("body is %d characters, want < %d: %q", n, MaxBodyLen, body)
	}
	if neverWord.MatchString(body) {
		t.Errorf("body contains the word never: %q", body)
	}
}

func TestDraftOnlyForClarify(t *testing.T) {
	d := mustNew(t, Config{})
	inv := inbox.Invitation{Name: "Jane Doe", FirstName: "Jane"}
	for _, v := range []policy.Verdict{policy.Accept, policy.Ignore, policy.Suspicious} {
		if dr, ok := d.Draft(inv, policy.Decision{Verdict: v}); ok || dr != (Draft{}) {
			t.Errorf("Draft(verdict %v) = %+v, %v, want no draft", v, dr, ok)
		}
	}
}

func TestDraftFirstNameFallbacks(t *testing.T) {
	d := mustNew(t, Config{})
	long := strings.Repeat("Maximilian", 100)
	tests := []struct {
		inv       inbox.Invitation
		greeting  string
		forbidden string
	}{
		{inbox.Invitation{Name: "Jane Doe"}, "Hi Jane,", ""},
		{inbox.Invitation{}, "Hello,", ""},
		{inbox.Invitation{Name: "   "}, "Hello,", ""},
		{inbox.Invitation{Name: long + " Smith", FirstName: long}, "Hello,", long},
		{inbox.Invitation{Name: "Never Mind", FirstName: "Never"}, "Hello,", "Never"},
		{inbox.Invitation{Name: "x@example.com", FirstName: "x@example.com"}, "Hello,", "@"},
		{inbox.Invitation{Name: "José Álvarez", FirstName: "José"}, "Hi José,", ""},
	}
	for _, tt := range tests {
		for _, dec := range []policy.Decision{clarify(policy.NoteNone, ""), clarify(policy.NoteGeneric, "impressed")} {
			dr, ok := d.Draft(tt.inv, dec)
			if !ok {
				t.Fatalf("Draft(%q) ok = false", tt.inv.Name)
			}
			if !strings.HasPrefix(dr.Body, tt.greeting) {
				t.Errorf("Draft(first name %.20q).Body = %.60q, want prefix %q", tt.inv.FirstName, dr.Body, tt.greeting)
			}
			if tt.forbidden != "" && strings.Contains(dr.Body, tt.forbidden) {
				t.Errorf("Draft(first name %.20q).Body contains %.20q", tt.inv.FirstName, tt.forbidden)
			}
			checkRules(t, dr.Body)
		}
	}
}

func TestNewRejectsBadTemplates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"syntax", Config{Template: "Hi {{.FirstName"}, []string{"reply.template"}},
		{"unknown field", Config{Template: "Hi {{.Firstname}}"}, []string{"reply.template", "Firstname"}},
		// Only the pitch branch uses the bad field: a single trial render
		// with one doubt would miss it.
		{"unknown field in one branch", Config{Template: `{{if eq .Doubt "pitch"}}{{.Offer}}{{else}}{{.Question}}{{end}}`}, []string{"reply.template", "Offer"}},
		{"never", Config{Template: "Hi {{.FirstName}}, I never accept strangers. {{.Question}}"}, []string{"reply.template", `"never"`}},
		{"too long", Config{Template: strings.Repeat("word ", 130)}, []string{"reply.template", "under 600"}},
		{"subject field", Config{Subject: "About {{.Nme}}"}, []string{"reply.subject", "Nme"}},
		{"subject newline", Config{Subject: "About\n{{.Name}}"}, []string{"reply.subject", "line"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := New(tt.cfg)
			if err == nil {
				t.Fatalf("New(%+v) = %v, nil; want an error", tt.cfg, d)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("New(%+v) error = %q, want it to contain %q", tt.cfg, err, w)
				}
			}
		})
	}
}

func TestCustomTemplate(t *testing.T) {
	d := mustNew(t, Config{
		Subject:  "Hello from {{.FirstName}}'s inbox",
		Template: `Hi {{or .FirstName "there"}}! {{if eq .Doubt "compliment"}}What impressed you?{{else}}{{.Question}}{{end}} You wrote: {{.Note}}`,
	})
	inv := inbox.Invitation{Name: "Lena Fischer", FirstName: "Lena", Note: "Impressed by your profile."}
	dr, ok := d.Draft(inv, clarify(policy.NoteGeneric, "impressed by your profile"))
	if !ok {
		t.Fatal("Draft ok = false")
	}
	if want := "Hi Lena! What impressed you? You wrote: Impressed by your profile."; dr.Body != want {
		t.Errorf("Draft.Body = %q, want %q", dr.Body, want)
	}
	if want := "Hello from Lena's inbox"; dr.Subject != want {
		t.Errorf("Draft.Subject = %q, want %q", dr.Subject, want)
	}

	// A note that would push the custom draft past the limit, or bring in
	// the word "never", makes Draft fall back to the built-in template.
	for _, note := range []string{strings.Repeat("very long note ", 60), "I never do this but your profile is great."} {
		inv.Note = note
		dr, _ = d.Draft(inv, clarify(policy.NoteGeneric, "great"))
		if strings.Contains(dr.Body, "You wrote") {
			t.Errorf("Draft(note %.30q).Body = %.80q, want the built-in template", note, dr.Body)
		}
		checkRules(t, dr.Body)
	}
}

func FuzzDraft(f *testing.F) {
	f.Add("Jane", "Jane Doe", "I was impressed by your profile", 2)
	f.Add("", "", "", 0)
	f.Add(strings.Repeat("é", 50), "Never Ever", "never", 4)
	d, err := New(Config{Template: "Hi {{.FirstName}}, {{.Question}} {{.Note}}"})
	if err != nil {
		f.Fatal(err)
	}
	builtin, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, first, name, note string, class int) {
		inv := inbox.Invitation{FirstName: first, Name: name, Note: note}
		dec := clarify(policy.NoteClass(class%5), note)
		for _, dr := range []*Drafter{d, builtin} {
			out, ok := dr.Draft(inv, dec)
			if !ok {
				t.Fatal("Draft ok = false for a clarify verdict")
			}
			checkRules(t, out.Body)
			if strings.ContainsAny(out.Subject, "\r\n") || out.Subject == "" {
				t.Errorf("Draft.Subject = %q, want one non-empty line", out.Subject)
			}
		}
	})
}
