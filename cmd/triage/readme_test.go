package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the terminal session in README.md from the demo's current output")

// readmeSession finds the ```console block of README.md.
func readmeSession(t *testing.T) (readme, session string, start, end int) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme = string(b)
	const open = "```console\n"
	start = strings.Index(readme, open)
	if start < 0 {
		t.Fatal("README.md has no ```console block")
	}
	start += len(open)
	end = strings.Index(readme[start:], "```")
	if end < 0 {
		t.Fatal("README.md's console block is not closed")
	}
	end += start
	return readme, readme[start:end], start, end
}

// TestReadmeSession keeps the README's terminal session real: every block
// it shows must be in the output of `triage demo` as it is now.
// `go test ./cmd/triage -run TestReadmeSession -update` refreshes it.
func TestReadmeSession(t *testing.T) {
	r := triage(t, nil, "demo")
	r.check(t, "demo", 0)
	blocks := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n\n")
	readme, session, start, end := readmeSession(t)
	if *update {
		readme = readme[:start] + strings.Join(abridge(blocks), "\n\n") + "\n" + readme[end:]
		if err := os.WriteFile("../../README.md", []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, b := range strings.Split(strings.TrimRight(session, "\n"), "\n\n") {
		b = strings.TrimPrefix(b, "$ triage demo\n")
		if strings.HasPrefix(b, "[...") {
			continue
		}
		if !strings.Contains(r.stdout, b) {
			t.Errorf("README.md's session shows a block the demo no longer prints (refresh: go test ./cmd/triage -run TestReadmeSession -update):\n%s", b)
		}
	}
}

// abridge keeps the demo's output readable in the README: the header, the
// first full block of each verdict, the acceptance notice, two of the
// pending-action entries of the second sweep, and every paragraph of prose
// (tally, headings, the closing note); what is left out is marked
// "[... N more ...]".
func abridge(blocks []string) []string {
	keep := []string{"$ triage demo\n" + blocks[0]}
	shown := map[string]bool{}
	moreFull, moreShort, short := 0, 0, 0
	for _, b := range blocks[1:] {
		first, _, _ := strings.Cut(b, "\n")
		_, v, ok := strings.Cut(first, " · ")
		switch {
		case ok && strings.Contains(v, " · score ") && strings.Contains(b, "\n  Reasons:"):
			verdict, _, _ := strings.Cut(v, " · ")
			if shown[verdict] {
				moreFull++
				continue
			}
			shown[verdict] = true
			keep = append(keep, b)
		case ok && strings.Contains(v, " · score "):
			if short < 2 {
				short++
				keep = append(keep, b)
				continue
			}
			moreShort++
		case strings.Contains(b, ": not an invitation ("):
			if strings.Contains(b, "accepted your invitation") {
				keep = append(keep, b)
			}
		default:
			if moreFull > 0 {
				keep = append(keep, fmt.Sprintf("[... %d more invitations ...]", moreFull))
				moreFull = 0
			}
			if moreShort > 0 {
				keep = append(keep, fmt.Sprintf("[... %d more ...]", moreShort))
				moreShort = 0
			}
			keep = append(keep, b)
		}
	}
	return keep
}
