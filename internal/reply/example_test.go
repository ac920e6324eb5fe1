package reply_test

import (
	"fmt"
	"log"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

func ExampleDrafter_Draft() {
	d, err := reply.New(reply.Config{}) // the built-in subject and template
	if err != nil {
		log.Fatal(err)
	}
	inv := inbox.Invitation{
		Name:      "Lena Fischer",
		FirstName: "Lena",
		Note:      "Hi, I was impressed by your profile and would love to connect!",
	}
	dec := policy.Decision{Verdict: policy.Clarify, NoteClass: policy.NoteGeneric, NoteEvidence: "impressed by your profile"}
	draft, ok := d.Draft(inv, dec)
	if !ok {
		log.Fatal("no draft")
	}
	fmt.Println("To:", draft.To)
	fmt.Println("Subject:", draft.Subject)
	fmt.Print(draft.Body)
	// Output:
	// To: Lena Fischer
	// Subject: Your invitation to connect
	// Hi Lena,
	//
	// Thanks for the request. If we have met, I apologise, I don't recall. What is it that impressed you, and how might we both benefit from connecting?
	//
	// Best regards
}
