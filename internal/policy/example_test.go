package policy_test

import (
	"fmt"

	"github.com/triagehq/triage/internal/policy"
)

func ExamplePolicy_Summary() {
	cfg := policy.Defaults()
	cfg.Industry.Prefer = []string{"observability", "SRE"}
	cfg.Rules = []policy.Rule{
		{Name: "recruiters", Field: "headline", Keywords: []string{"recruiter", "talent acquisition"}, Points: -2},
		{Name: "go-people", Field: "headline", Match: `(?i)\b(golang|go developer)\b`, Points: 1},
	}
	me := policy.Me{Name: "Paul Marsh", Companies: []string{"Northwind Analytics"}, Locations: []string{"Leeds"}}
	p, err := policy.New(cfg, me)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(p.Summary())
	// Output:
	// verdict: accept at +4 or more, ignore below -1, clarify in between; known contacts are always accepted
	// note: none -1, LinkedIn default -1, generic -1, personalised +5, pitch -6
	// LION / open networker -6: 7 markers in name or headline, an email address, more than 10000 connections
	// connections: 500+ +1, fewer than 50 -1, unknown +0
	// mutual connections: +1 each, capped at +3; none -1
	// industry: prefer +2 "observability", "SRE"; avoid -3 "forex", "binary options", "crypto trader", "lead generation", and 3 more
	// location +1: "Leeds"
	// known contacts (accept): 0 names, 0 profiles, 0 companies
	// coworkers +3: "Northwind Analytics"
	// reminder +0
	// rules:
	//   recruiters -2: headline mentions "recruiter", "talent acquisition"
	//   go-people +1: headline matches /(?i)\b(golang|go developer)\b/
}
