package inbox_test

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/triagehq/triage/internal/inbox"
)

func ExampleParse() {
	f, err := os.Open("testdata/real/2016-05-single01-a.eml")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	msg, err := inbox.Parse(f)
	if err != nil {
		log.Fatal(err)
	}
	for _, inv := range msg.Invitations {
		fmt.Println(inv.Name, "|", inv.Headline, "|", inv.Location)
		fmt.Println("note:", inv.Note, "default:", inv.DefaultNote)
		fmt.Println(inv.ProfileURL)
		fmt.Println("invitation", inv.InvitationID, "for", inv.Recipient)
	}
	// Output:
	// Michael McAuliffe | Managing Director | Charlotte, North Carolina Area
	// note: I'd like to join your LinkedIn network. default: true
	// https://www.linkedin.com/profile/view?id=AAsAAAJUVTYBWkKAZwppmyYBjwgm1AI0nKRyTwA
	// invitation 6132985418842456064 for Paul Hammant
}

func ExampleRead() {
	for raw, err := range inbox.Read("testdata/mbox/takeout.mbox") {
		if err != nil {
			fmt.Println(raw.Source, "error:", err)
			continue
		}
		msg, err := inbox.Parse(raw.Body)
		switch {
		case errors.Is(err, inbox.ErrNotInvitation):
			fmt.Println(raw.Source, "not an invitation:", msg.Subject)
		case err != nil:
			fmt.Println(raw.Source, "error:", err)
		default:
			fmt.Println(raw.Source, "invitation from", msg.Invitations[0].Name)
		}
	}
	// Output:
	// testdata/mbox/takeout.mbox#1 invitation from Michael McAuliffe
	// testdata/mbox/takeout.mbox#2 error: missing header section: the first line is not a header field
	// testdata/mbox/takeout.mbox#3 not an invitation: Notes
	// testdata/mbox/takeout.mbox#4 invitation from Pat Lee
}
