package report

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/demo"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

// withBadMessages yields the demo samples with an unreadable message and a
// truncated one in the middle.
func withBadMessages() iter.Seq2[inbox.Raw, error] {
	return func(yield func(inbox.Raw, error) bool) {
		i := 0
		for raw, err := range demo.Messages() {
			if !yield(raw, err) {
				return
			}
			i++
			if i == 3 {
				if !yield(inbox.Raw{Source: "box.mbox#7"}, errors.New("reading box.mbox: permission denied")) {
					return
				}
				trunc := "From: Jo Bloggs <invitations@linkedin.com>\nSubject: I want to connect\nContent-Type: multipart/alternative; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nHi Robin,\n"
				if !yield(inbox.Raw{Source: "cut.eml", Body: strings.NewReader(trunc)}, nil) {
					return
				}
			}
		}
	}
}

func TestExplainGoesOnAfterBadMessages(t *testing.T) {
	p, err := policy.New(policy.Defaults(), policy.Me{Name: "Robin Keller"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := reply.New(reply.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tally, err := Explain(context.Background(), withBadMessages(), p, d, NewJSON(&out))
	if err != nil {
		t.Fatalf("Explain = %v", err)
	}
	if tally.Errors != 2 || tally.NotInvitation != 2 || tally.Invitations < 10 {
		t.Errorf("Explain tally = %+v, want 2 errors, 2 not invitations, 10+ invitations", tally)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if n := tally.Errors + tally.NotInvitation + tally.Invitations; len(lines) != n {
		t.Errorf("Explain wrote %d lines, tally counts %d", len(lines), n)
	}
	for _, want := range []string{
		`{"source":"box.mbox#7","kind":"error","error":"reading box.mbox: permission denied"}`,
		`"source":"cut.eml","kind":"error","error":"`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("Explain output lacks %s", want)
		}
	}
	clarify := 0
	for _, l := range lines {
		if strings.Contains(l, `"verdict":"clarify"`) {
			clarify++
			if strings.Contains(l, `"draft":null`) {
				t.Errorf("clarify record without a draft: %s", l)
			}
		}
	}
	if clarify == 0 || clarify != tally.Verdicts[policy.Clarify] {
		t.Errorf("%d clarify lines, tally says %d", clarify, tally.Verdicts[policy.Clarify])
	}
}

func TestExplainStopsWhenCancelled(t *testing.T) {
	p, err := policy.New(policy.Defaults(), policy.Me{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	msgs := func(yield func(inbox.Raw, error) bool) {
		for raw, err := range demo.Messages() {
			n++
			if n == 2 {
				cancel()
			}
			if !yield(raw, err) {
				return
			}
		}
	}
	var out bytes.Buffer
	tally, err := Explain(ctx, msgs, p, nil, NewJSON(&out))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Explain after cancel = %v, want context.Canceled", err)
	}
	if n != 2 || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("Explain read %d messages and wrote %q (tally %+v), want it to stop at the second", n, out.String(), tally)
	}
}
