package policy

import (
	"fmt"
	"testing"

	"github.com/triagehq/triage/internal/inbox"
)

// sweepInvitations returns invitations as a sweep sees them: every corpus
// note, some empty, stock or repeated, from inviters whose headlines,
// companies, locations and counts vary as in real mail (LIONs, recruiters,
// pitches, colleagues, known contacts), each combination deterministic.
func sweepInvitations(t testing.TB) []inbox.Invitation {
	people := []struct{ name, headline, title, company, location string }{
		{"Priya Raman", "Senior SRE at Monzo | Kubernetes, Prometheus, OpenTelemetry", "Senior SRE", "Monzo", "London, England, United Kingdom"},
		{"Tom Becker", "Platform Engineering Lead @ Northwind Analytics", "Platform Engineering Lead", "Northwind Analytics", "Leeds, England, United Kingdom"},
		{"Jessica Moore", "Helping B2B SaaS founders 3x pipeline | Lead Generation | Appointment Setting", "", "", "Austin, Texas, United States"},
		{"Marco de Vries", "Go developer · open source maintainer · speaker", "", "", "Amsterdam, North Holland, Netherlands"},
		{"Kevin Smith", "LION | 30K+ | I accept all invites | kevin@growthmail.example", "", "", "Dubai, United Arab Emirates"},
		{"Amelia Clarke", "Technical Recruiter at Hays - Hiring Go & Rust Engineers", "Technical Recruiter", "Hays", "Manchester, England, United Kingdom"},
		{"Chen Wei", "Forex trader and crypto investor | Financial freedom coach", "", "", "Singapore"},
		{"Ada Lovelace", "Analyst at Analytical Engines Ltd", "Analyst", "Analytical Engines Ltd", "London, England, United Kingdom"},
		{"Sofia García", "Observability engineer at Grafana Labs", "Observability engineer", "Grafana Labs", "Madrid, Community of Madrid, Spain"},
		{"Raj Patel", "CEO at DevShop Solutions | Offshore development | Staff augmentation", "CEO", "DevShop Solutions", "Pune, Maharashtra, India"},
		{"Hannah Schmidt", "Engineering Manager bei SAP", "Engineering Manager", "SAP", "Walldorf, Baden-Württemberg, Deutschland"},
		{"Olu Adeyemi", "Student at University of Leeds | Aspiring software engineer", "Student", "University of Leeds", "Leeds, England, United Kingdom"},
	}
	var notes []string
	for _, file := range corpusFiles {
		for _, n := range readNotes(t, file) {
			notes = append(notes, n.note)
		}
	}
	var invs []inbox.Invitation
	for i, note := range notes {
		p := people[(i*7)%len(people)]
		inv := inbox.Invitation{
			Name: p.name, Headline: p.headline, Title: p.title, Company: p.company, Location: p.location,
			Note:       note,
			ProfileURL: fmt.Sprintf("https://www.linkedin.com/in/%s-%d/", p.name[:3], i),
		}
		switch i % 10 {
		case 0:
			inv.Note = ""
		case 1:
			inv.Note, inv.DefaultNote = "I'd like to join your LinkedIn network.", true
		case 2:
			inv.Reminder = true
		}
		switch m := i % 7; m {
		case 0:
		case 1:
			inv.MutualConnections = intp(0)
		default:
			inv.MutualConnections = intp(m * 3)
		}
		if i%5 == 0 {
			inv.Connections = intp(i * 37)
		}
		invs = append(invs, inv)
	}
	return invs
}

// sweepPolicy is the default policy with the settings a user adds.
func sweepPolicy(t testing.TB) *Policy {
	cfg := Defaults()
	cfg.Industry.Prefer = []string{"observability", "SRE", "platform engineering"}
	cfg.Known.Names = []string{"Ada Lovelace"}
	cfg.Known.Profiles = []string{"https://www.linkedin.com/in/grace-hopper/"}
	cfg.Rules = []Rule{
		{Name: "recruiters", Field: "headline", Keywords: []string{"recruiter", "talent acquisition"}, Points: -2},
		{Name: "go", Field: "headline", Match: `(?i)\bgo(lang)?\b`, Points: 1},
	}
	p, err := New(cfg, corpusMe)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

// BenchmarkDecide decides every invitation of a sweep, notes included.
func BenchmarkDecide(b *testing.B) {
	invs := sweepInvitations(b)
	p := sweepPolicy(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Decide(invs[i%len(invs)])
	}
}
