package report_test

import (
	"os"

	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/report"
)

func example() []report.Entry {
	mutual := 3
	draft := "Hi Sam,\n\nThanks for the request.\n"
	return []report.Entry{
		{
			Source: "a.eml", MessageID: "1@linkedin.com", Kind: report.KindInvitation,
			Assessment: &report.Assessment{
				Inviter:   report.Inviter{Name: "Sam Okafor", FirstName: "Sam", Headline: "Recruiter at Fabrikam", Title: "Recruiter", Company: "Fabrikam", Location: "Leeds", MutualConnections: &mutual},
				Note:      "I'd like to join your LinkedIn network.",
				NoteClass: policy.NoteDefault, Score: 1, Verdict: policy.Clarify,
				Reasons: []policy.Reason{{Rule: "note.default", Points: -1, Why: "LinkedIn's default note"}, {Rule: "mutual", Points: 2, Why: "3 connections in common"}},
				Draft:   &draft,
			},
		},
		{Source: "b.eml", Kind: report.KindNotInvitation, Subject: "Marina accepted your invitation"},
		{Source: "c.mbox#2", Kind: report.KindError, Error: "no body"},
	}
}

func ExampleHuman() {
	w := report.NewHuman(os.Stdout, os.Stdout)
	for _, e := range example() {
		w.Write(e)
	}
	w.Close()
	// Output:
	// Sam Okafor · clarify · score 1
	//   Recruiter at Fabrikam
	//   Leeds · 3 connections in common
	//   Note: LinkedIn's default text ("I'd like to join your LinkedIn network.")
	//   Reasons:
	//       -1  note.default  LinkedIn's default note
	//       +2  mutual        3 connections in common
	//   Draft reply:
	//     | Hi Sam,
	//     |
	//     | Thanks for the request.
	//   Source: a.eml
	//
	// b.eml: not an invitation ("Marina accepted your invitation")
	//
	// triage: error: c.mbox#2: no body
	// 1 invitation: 0 accept, 0 ignore, 1 clarify; 1 not an invitation; 1 unreadable
}

func ExampleJSON() {
	w := report.NewJSON(os.Stdout)
	for _, e := range example() {
		w.Write(e)
	}
	// Output:
	// {"source":"a.eml","message_id":"1@linkedin.com","kind":"invitation","inviter":{"name":"Sam Okafor","first_name":"Sam","headline":"Recruiter at Fabrikam","title":"Recruiter","company":"Fabrikam","location":"Leeds","profile_url":"","connections":null,"mutual_connections":3},"note":"I'd like to join your LinkedIn network.","note_class":"default","lion":false,"reminder":false,"invitation_id":"","score":1,"verdict":"clarify","reasons":[{"rule":"note.default","points":-1,"why":"LinkedIn's default note"},{"rule":"mutual","points":2,"why":"3 connections in common"}],"draft":"Hi Sam,\n\nThanks for the request.\n"}
	// {"source":"b.eml","kind":"not_invitation","subject":"Marina accepted your invitation"}
	// {"source":"c.mbox#2","kind":"error","error":"no body"}
}
