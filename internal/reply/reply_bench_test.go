package reply

import (
	"testing"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
)

// benchDrafts are borderline invitations as a sweep drafts them: every
// note class, with and without a first name.
var benchDrafts = []struct {
	inv inbox.Invitation
	dec policy.Decision
}{
	{inbox.Invitation{Name: "Ahmed Karimi", FirstName: "Ahmed", Note: "I'd like to join your LinkedIn network.", DefaultNote: true}, clarify(policy.NoteDefault, "")},
	{inbox.Invitation{Name: "Jane Doe"}, clarify(policy.NoteNone, "")},
	{inbox.Invitation{Name: "Omar Haddad", FirstName: "Omar", Note: "I'd like to expand my professional network."}, clarify(policy.NoteGeneric, "expand my professional network")},
	{inbox.Invitation{Name: "Lena Fischer", FirstName: "Lena", Note: "I was really impressed by your profile and would love to connect!"}, clarify(policy.NoteGeneric, "impressed by your profile")},
	{inbox.Invitation{Name: "Sam Lee", FirstName: "Sam", Note: "Hi, I enjoyed your talk at the Go meetup and would like to stay in touch."}, clarify(policy.NotePersonalised, "your talk")},
	{inbox.Invitation{Name: "Raj Patel", FirstName: "Raj", Note: "We help SaaS companies like yours double their pipeline."}, clarify(policy.NotePitch, "We help SaaS companies like yours")},
}

// BenchmarkDraft drafts replies with the built-in templates, as a sweep
// with no [reply] section does.
func BenchmarkDraft(b *testing.B) {
	d, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		x := benchDrafts[i%len(benchDrafts)]
		d.Draft(x.inv, x.dec)
	}
}

// BenchmarkDraftCustom drafts replies with a custom template.
func BenchmarkDraftCustom(b *testing.B) {
	d, err := New(Config{Subject: "Re: {{.Name}}", Template: "Hi {{or .FirstName \"there\"}}, {{.Question}}"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		x := benchDrafts[i%len(benchDrafts)]
		d.Draft(x.inv, x.dec)
	}
}
