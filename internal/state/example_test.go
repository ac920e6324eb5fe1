package state_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/state"
)

// A sweep's use of the store: lock the account, read the position, record
// a fetched batch in one transaction, then apply the pending actions with
// an intent recorded before acting and a confirmation after.
func Example() {
	dir, err := os.MkdirTemp("", "triage-state")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := state.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	unlock, err := s.LockSweep("work")
	if err != nil {
		log.Fatal(err) // errors.Is(err, state.ErrLocked): exit code 4
	}
	defer unlock()
	if _, err := s.LockSweep("work"); errors.Is(err, state.ErrLocked) {
		fmt.Println("a second sweep is refused")
	}

	const uidValidity = 1700000000
	pos, err := s.Position("work", "INBOX")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("continue from last UID:", pos.Continues(uidValidity))

	// ... UID SEARCH and FETCH, outside any transaction ...
	inv := inbox.Invitation{Name: "Ada Lovelace", InvitationID: "7123", MessageID: "a1@linkedin.com"}
	dec := policy.Decision{Verdict: policy.Clarify, Score: 1}
	loc := state.Location{Mailbox: "INBOX", UIDValidity: uidValidity, UID: 41}

	err = s.Update(func(tx *state.Tx) error {
		r, res, err := tx.Put("work", state.NewRecord(inv, 0, dec, nil, loc, time.Now()))
		if err != nil {
			return err
		}
		fmt.Println(r.Key, res, r.EffectiveVerdict())
		return tx.SetPosition("work", "INBOX", uidValidity, 41)
	})
	if err != nil {
		log.Fatal(err)
	}

	pending, err := s.Pending("work")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range pending {
		if err := s.MarkIntent("work", r.Key, []string{"keyword $Triage_clarify"}); err != nil {
			log.Fatal(err)
		}
		// ... STORE +FLAGS on r.Location.UID, outside any transaction ...
		if err := s.MarkDone("work", r.Key, time.Now()); err != nil {
			log.Fatal(err)
		}
	}
	r, err := s.Get("work", "inv:7123")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Key, r.Action.State, r.Action.Planned)
	// Output:
	// a second sweep is refused
	// continue from last UID: false
	// inv:7123 added clarify
	// inv:7123 done [keyword $Triage_clarify]
}
