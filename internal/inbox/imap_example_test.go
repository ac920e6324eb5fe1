package inbox_test

import (
	"fmt"
	"time"

	"github.com/triagehq/triage/internal/inbox"
)

func ExampleAction_Steps() {
	act := inbox.Action{Keyword: "$Triage_ignore", CopyTo: "LinkedIn", MoveTo: "LinkedIn/Ignore"}
	fmt.Println(act.Steps(true))
	// A digest whose invitations disagree is not moved.
	fmt.Println(act.Steps(false))
	// Output:
	// [keyword $Triage_ignore copy LinkedIn move LinkedIn/Ignore]
	// [keyword $Triage_ignore copy LinkedIn]
}

func ExampleSearchCriteria_String() {
	c := inbox.SearchCriteria{
		Subjects: []string{"wants to connect", "I want to connect"},
		SinceUID: 4213,
		Since:    time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC),
	}
	fmt.Println(c)
	// Output:
	// FROM "linkedin.com" OR SUBJECT "wants to connect" OR SUBJECT "I want to connect", UID above 4213, received since 2025-01-02
}
