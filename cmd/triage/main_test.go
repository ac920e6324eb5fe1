package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/state"
	"github.com/triagehq/triage/internal/sweep"
)

func TestReorderArgs(t *testing.T) {
	app := newApp(nil, nil)
	tests := []struct{ in, want []string }{
		{[]string{"triage", "explain", "a.eml", "--json"}, []string{"triage", "explain", "--json", "a.eml"}},
		{[]string{"triage", "explain", "a.eml", "--config", "c.toml", "b.eml"}, []string{"triage", "explain", "--config", "c.toml", "a.eml", "b.eml"}},
		{[]string{"triage", "explain", "a.eml", "-c", "c.toml", "--json"}, []string{"triage", "explain", "-c", "c.toml", "--json", "a.eml"}},
		{[]string{"triage", "explain", "a.eml", "--config=c.toml"}, []string{"triage", "explain", "--config=c.toml", "a.eml"}},
		{[]string{"triage", "explain", "--json", "a.eml"}, []string{"triage", "explain", "--json", "a.eml"}},
		{[]string{"triage", "explain", "a.eml", "--", "--odd-name.eml"}, []string{"triage", "explain", "--", "a.eml", "--odd-name.eml"}},
		{[]string{"triage", "policy", "check", "--config", "c.toml"}, []string{"triage", "policy", "check", "--config", "c.toml"}},
		{[]string{"triage", "demo", "--json"}, []string{"triage", "demo", "--json"}},
		{[]string{"triage", "--version"}, []string{"triage", "--version"}},
		{[]string{"triage", "nosuch", "x", "--json"}, []string{"triage", "nosuch", "x", "--json"}},
		{[]string{"triage"}, []string{"triage"}},
	}
	for _, tt := range tests {
		if got := reorderArgs(app, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("reorderArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExitCode(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	tests := []struct {
		ctx  context.Context
		err  error
		want int
	}{
		{bg, nil, 0},
		{bg, usageErrorf("explain needs at least one PATH"), 1},
		{bg, configError{fmt.Errorf("config.toml: bad")}, 1},
		{bg, partialError{unreadable: 2}, 3},
		{bg, fmt.Errorf("sweep: %w", state.ErrLocked), 4},
		{bg, fmt.Errorf("dial: %w", inbox.ErrConnect), 2},
		{bg, fmt.Errorf("login: %w", inbox.ErrAuth), 2},
		{bg, fmt.Errorf("search: %w", inbox.ErrUnavailable), 2},
		{bg, fmt.Errorf("fetch: %w", inbox.ErrSession), 2},
		{bg, context.Canceled, 130},
		{canceled, fmt.Errorf("reading: %w", canceled.Err()), 130},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		if got := exitCode(tt.ctx, tt.err, &stderr); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestInterrupted runs the demo with a context that is already cancelled,
// as after Ctrl-C: the run stops and exits 130.
func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"triage", "demo", "--json"}, &stdout, &stderr); code != 130 {
		t.Errorf("run(cancelled, demo) = %d, want 130; stderr %q", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("cancelled demo printed %q, want nothing", stdout.String())
	}
}

// FuzzReorderArgs checks that reordering only moves arguments: nothing is
// lost or added, and the paths keep their order.
func FuzzReorderArgs(f *testing.F) {
	f.Add("explain\x00a.eml\x00--json\x00b.eml")
	f.Add("explain\x00a.eml\x00--config\x00c.toml\x00--\x00-x.eml")
	f.Add("policy\x00check\x00-c\x00x")
	app := newApp(nil, nil)
	f.Fuzz(func(t *testing.T, joined string) {
		in := append([]string{"triage"}, strings.Split(joined, "\x00")...)
		out := reorderArgs(app, in)
		a, b := slices.Clone(in), slices.Clone(out)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("reorderArgs(%q) = %q: not a permutation", in, out)
		}
		if len(in) >= 2 && in[1] == "explain" {
			pos := func(args []string) []string {
				var p []string
				for i := 2; i < len(args); i++ {
					if args[i] == "--" {
						return append(p, args[i+1:]...)
					}
					if !strings.HasPrefix(args[i], "-") || args[i] == "-" {
						p = append(p, args[i])
					}
				}
				return p
			}
			// Values of --config look positional to pos; compare only
			// when there are none.
			if !slices.ContainsFunc(in, func(s string) bool { return s == "--config" || s == "-config" || s == "-c" || s == "--c" }) &&
				!slices.Equal(pos(in), pos(out)) {
				t.Fatalf("reorderArgs(%q) = %q: paths moved relative to each other", in, out)
			}
		}
	})
}

// TestSweepOutcome checks how a sweep ends when actions failed: each
// failure is told on stderr, a move the server cannot make is a config
// error (exit 1: every later run fails the same way), other failures and
// unreadable messages make it partial (exit 3), and nothing is an error
// when all went well.
func TestSweepOutcome(t *testing.T) {
	acct := inbox.Account{Name: "work"}
	refused := fmt.Errorf("invitation inv:1: STORE: %w", errors.New("NO [SERVERBUG] try later"))
	cannot := fmt.Errorf("invitation inv:2: move LinkedIn/Ignore: %w", inbox.ErrCannotMove)
	tests := []struct {
		name      string
		sum       sweep.Summary
		code      int
		lines     []string // on stderr, in order, besides exitCode's
		errSubstr string
	}{
		{"all went well", sweep.Summary{Applied: 3}, 0, nil, ""},
		{"unreadable", sweep.Summary{Errors: 2}, 3, nil, "2 messages could not be read"},
		{"refused", sweep.Summary{Failed: 1, Failures: []error{refused}}, 3,
			[]string{"triage: error: invitation inv:1: STORE: NO [SERVERBUG] try later"}, "the actions of 1 invitation failed"},
		{"more failed than told", sweep.Summary{Errors: 1, Failed: 25, Failures: []error{refused}}, 3,
			[]string{"triage: error: invitation inv:1", "triage: error: the actions of 24 more invitations failed"}, "1 message could not be read; the actions of 25 invitations failed"},
		{"cannot move", sweep.Summary{Failed: 2, Failures: []error{refused, cannot}}, 1,
			[]string{"inv:1", "invitation inv:2: move LinkedIn/Ignore: the server supports neither MOVE nor UIDPLUS"}, `account "work": its server has neither MOVE nor UIDPLUS`},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		err := sweepOutcome(acct, tt.sum, &stderr)
		if got := exitCode(context.Background(), err, io.Discard); got != tt.code {
			t.Errorf("%s: exit code %d (%v), want %d", tt.name, got, err, tt.code)
		}
		if tt.errSubstr == "" && err != nil || err != nil && !strings.Contains(err.Error(), tt.errSubstr) {
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.errSubstr)
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if len(tt.lines) == 0 && stderr.Len() != 0 || len(tt.lines) > 0 && len(lines) != len(tt.lines) {
			t.Errorf("%s: stderr\n%s\nwant %d lines", tt.name, stderr.String(), len(tt.lines))
			continue
		}
		for i, want := range tt.lines {
			if !strings.Contains(lines[i], want) {
				t.Errorf("%s: stderr line %d = %q, want it to say %q", tt.name, i+1, lines[i], want)
			}
		}
	}
}
