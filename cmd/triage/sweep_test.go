package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/triagehq/triage/internal/demo"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
	"github.com/triagehq/triage/internal/sweep"
)

// sweepEnv is an IMAP server in the test process (go-imap's in-memory
// server, seeded with the demo mailbox) and a config file for it with two
// accounts, "work" (the server) and "other".
type sweepEnv struct {
	srv      *demo.Server
	acct     inbox.Account
	config   string
	stateDir string
	env      []string // the password, in $TRIAGE_TEST_PASSWORD
}

func newSweepEnv(t *testing.T) *sweepEnv {
	t.Helper()
	srv, err := demo.StartServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	a := srv.Account()
	dir := t.TempDir()
	e := &sweepEnv{
		srv: srv, acct: a,
		config:   filepath.Join(dir, "config.toml"),
		stateDir: filepath.Join(dir, "state"),
		env:      []string{"TRIAGE_TEST_PASSWORD=" + a.Password},
	}
	conf := fmt.Sprintf(`state_dir = %q

[me]
name = "Robin Keller"
companies = ["Northwind Analytics"]
topics = ["stream processing", "Kafka"]

[[account]]
name = "work"
host = "127.0.0.1"
port = %d
tls = "none"
username = %q
password_env = "TRIAGE_TEST_PASSWORD"
timeout = "10s"

[[account]]
name = "other"
host = "localhost"
port = 1
tls = "none"
username = "nobody"
password_command = "echo nothing"
`, e.stateDir, a.Port, a.Username)
	if err := os.WriteFile(e.config, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// sweepRecord is the part of a sweep's --json line the tests look at.
type sweepRecord struct {
	Source  string   `json:"source"`
	Kind    string   `json:"kind"`
	Verdict string   `json:"verdict"`
	New     *bool    `json:"new"`
	Actions []string `json:"actions"`
	Applied *bool    `json:"applied"`
	Inviter *struct {
		Name string `json:"name"`
	} `json:"inviter"`
}

func sweepRecords(t *testing.T, out string) []sweepRecord {
	t.Helper()
	var recs []sweepRecord
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r sweepRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("sweep --json line %q is not JSON: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs
}

func invitations(recs []sweepRecord) []sweepRecord {
	var out []sweepRecord
	for _, r := range recs {
		if r.Kind == "invitation" {
			out = append(out, r)
		}
	}
	return out
}

// mailboxFlags returns the flags of every message in the server's INBOX,
// by UID, read with a client of its own (EXAMINE: read-only).
func (e *sweepEnv) mailboxFlags(t *testing.T) map[imap.UID][]imap.Flag {
	t.Helper()
	c, err := imapclient.DialInsecure(net.JoinHostPort(e.acct.Host, strconv.Itoa(e.acct.Port)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(e.acct.Username, e.acct.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	out := map[imap.UID][]imap.Flag{}
	for _, m := range msgs {
		out[m.UID] = m.Flags
	}
	return out
}

func hasSeen(flags map[imap.UID][]imap.Flag) []imap.UID {
	var seen []imap.UID
	for uid, fs := range flags {
		if slices.Contains(fs, imap.FlagSeen) {
			seen = append(seen, uid)
		}
	}
	return seen
}

// TestSweepDryThenApply runs the sweep cycle against a real IMAP server:
// a dry run decides every invitation and changes nothing; a second dry run
// carries the pending actions over; --apply sets the keywords; a last run
// has nothing pending.
func TestSweepDryThenApply(t *testing.T) {
	e := newSweepEnv(t)

	r := triage(t, e.env, "sweep", "--json", "--config", e.config)
	r.check(t, "sweep --json", 0)
	first := invitations(sweepRecords(t, r.stdout))
	if len(first) < 10 {
		t.Fatalf("first sweep: %d invitations, want at least 10\n%s", len(first), r.stdout)
	}
	prefix := "imap://work/INBOX;UIDVALIDITY="
	for _, rec := range first {
		if !strings.HasPrefix(rec.Source, prefix) || !strings.Contains(rec.Source, "/;UID=") {
			t.Errorf("first sweep: source %q, want %s<v>/;UID=<u>", rec.Source, prefix)
		}
		if rec.New == nil || !*rec.New || rec.Applied == nil || *rec.Applied || len(rec.Actions) == 0 {
			t.Errorf("first sweep: %s: new %v, applied %v, actions %q; want new, not applied, with actions",
				rec.Source, deref(rec.New), deref(rec.Applied), rec.Actions)
		}
		if want := "keyword $Triage_" + rec.Verdict; !slices.Contains(rec.Actions, want) {
			t.Errorf("first sweep: %s (%s): actions %q, want %q", rec.Source, rec.Verdict, rec.Actions, want)
		}
	}
	if !strings.Contains(r.stderr, "Dry run: nothing in the mailbox was changed") || !strings.Contains(r.stderr, "--apply") {
		t.Errorf("first sweep's stderr does not say it was a dry run and how to apply:\n%s", r.stderr)
	}
	flags := e.mailboxFlags(t)
	if len(flags) != e.srv.Messages() {
		t.Fatalf("mailbox holds %d messages after a dry run, want %d", len(flags), e.srv.Messages())
	}
	for uid, fs := range flags {
		if len(fs) != 0 {
			t.Errorf("dry run changed the flags of UID %d: %v", uid, fs)
		}
	}

	// The second dry run decides nothing new and lists the same actions.
	r = triage(t, e.env, "sweep", "--json", "--config", e.config)
	r.check(t, "second sweep --json", 0)
	second := invitations(sweepRecords(t, r.stdout))
	if len(second) != len(first) {
		t.Errorf("second sweep lists %d pending invitations, want the first sweep's %d", len(second), len(first))
	}
	firstActions := map[string][]string{}
	for _, rec := range first {
		firstActions[rec.Source+" "+name(rec)] = rec.Actions
	}
	for _, rec := range second {
		if rec.New == nil || *rec.New || rec.Applied == nil || *rec.Applied {
			t.Errorf("second sweep: %s: new %v, applied %v; want carried over (new false), not applied", rec.Source, deref(rec.New), deref(rec.Applied))
		}
		if want, ok := firstActions[rec.Source+" "+name(rec)]; !ok || !slices.Equal(rec.Actions, want) {
			t.Errorf("second sweep: %s %s: actions %q, want the first sweep's %q", rec.Source, name(rec), rec.Actions, want)
		}
	}

	// The human form of a dry run.
	r = triage(t, e.env, "sweep", "--config", e.config, "--account", "work")
	r.check(t, "sweep (human)", 0)
	for _, want := range []string{
		carriedHeading, "  would: keyword $Triage_clarify", "  would: keyword $Triage_accept",
		"Dry run: nothing in the mailbox was changed.", "triage sweep --config " + e.config + " --account work --apply",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("human dry run lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "triage: sweep work/INBOX: 0 candidates, 0 new, "+strconv.Itoa(len(first))+" pending") {
		t.Errorf("human dry run's summary line is missing or wrong:\n%s", r.stderr)
	}

	// --apply carries out every pending action.
	r = triage(t, e.env, "sweep", "--apply", "--json", "--config", e.config)
	r.check(t, "sweep --apply --json", 0)
	applied := 0
	for _, rec := range invitations(sweepRecords(t, r.stdout)) {
		if rec.Applied != nil && *rec.Applied {
			applied++
		}
	}
	if applied != len(first) {
		t.Errorf("sweep --apply applied %d invitations' actions, want %d\n%s", applied, len(first), r.stdout)
	}
	flags = e.mailboxFlags(t)
	tagged := 0
	for _, fs := range flags {
		for _, f := range fs {
			if strings.HasPrefix(strings.ToLower(string(f)), "$triage_") {
				tagged++
			}
		}
	}
	if tagged == 0 || tagged > len(first) {
		t.Errorf("after --apply %d messages carry a $Triage_ keyword, want between 1 and %d: %v", tagged, len(first), flags)
	}
	if seen := hasSeen(flags); len(seen) > 0 {
		t.Errorf("sweep marked UIDs %v \\Seen; the default actions only set keywords", seen)
	}

	// Nothing is left pending.
	r = triage(t, e.env, "sweep", "--json", "--config", e.config)
	r.check(t, "sweep after --apply", 0)
	if left := invitations(sweepRecords(t, r.stdout)); len(left) != 0 {
		t.Errorf("sweep after --apply lists %d invitations, want none pending:\n%s", len(left), r.stdout)
	}
	if !strings.Contains(r.stderr, "0 pending") {
		t.Errorf("sweep after --apply: summary %q, want 0 pending", r.stderr)
	}
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func name(r sweepRecord) string {
	if r.Inviter == nil {
		return ""
	}
	return r.Inviter.Name
}

// TestSweepLocked holds the account's sweep lock as a running sweep would:
// a second sweep exits at once with code 4.
func TestSweepLocked(t *testing.T) {
	e := newSweepEnv(t)
	if err := os.MkdirAll(e.stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(e.stateDir)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := st.LockSweep("work")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	r := triage(t, e.env, "sweep", "--config", e.config)
	r.check(t, "sweep while locked", 4)
	if !strings.Contains(r.stderr, "triage: error: ") || !strings.Contains(r.stderr, "another sweep") {
		t.Errorf("locked sweep's stderr = %q, want an error saying another sweep runs", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("locked sweep printed %q, want nothing", r.stdout)
	}
}

// TestSweepErrors checks the exit codes and messages of what can go wrong
// before a sweep starts.
func TestSweepErrors(t *testing.T) {
	e := newSweepEnv(t)
	noAccounts := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(noAccounts, []byte("[me]\nname = \"Robin\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  []string
		args []string
		code int
		want []string
	}{
		{"bad password", []string{"TRIAGE_TEST_PASSWORD=wrong"}, []string{"sweep", "--config", e.config},
			2, []string{"triage: error: ", "login refused", "triage: hint: check username and the password"}},
		{"unknown account", e.env, []string{"sweep", "--json", "--account", "nope", "--config", e.config},
			1, []string{`no account named "nope"`, `"work", "other"`}},
		{"no accounts", nil, []string{"sweep", "--config", noAccounts},
			1, []string{"no IMAP account", "[[account]]", "config.example.toml"}},
		{"no config", nil, []string{"sweep"},
			1, []string{"[[account]]", "config.example.toml"}},
		{"bad since", e.env, []string{"sweep", "--since", "14/03/2025", "--config", e.config},
			1, []string{`--since "14/03/2025": want a date as YYYY-MM-DD`}},
		{"argument", e.env, []string{"sweep", "work", "--config", e.config},
			1, []string{"sweep takes no arguments"}},
		{"refused connection", e.env, []string{"sweep", "--account", "other", "--config", e.config},
			2, []string{"triage: error: ", "cannot connect"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := triage(t, tt.env, tt.args...)
			r.check(t, strings.Join(tt.args, " "), tt.code)
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("triage %s: stderr lacks %q:\n%s", strings.Join(tt.args, " "), w, r.stderr)
				}
			}
			if strings.Contains(r.stdout+r.stderr, e.acct.Password) {
				t.Errorf("triage %s printed the password", strings.Join(tt.args, " "))
			}
		})
	}
}

// TestSweepDebugHidesSecrets traces a sweep: the trace shows the IMAP
// exchange but neither the password nor message contents.
func TestSweepDebugHidesSecrets(t *testing.T) {
	e := newSweepEnv(t)
	r := triage(t, e.env, "sweep", "--json", "--debug", "--verbose", "--config", e.config)
	r.check(t, "sweep --debug", 0)
	if !strings.Contains(r.stderr, "SELECT") && !strings.Contains(r.stderr, "select") {
		t.Errorf("sweep --debug traced no SELECT:\n%s", r.stderr)
	}
	for _, secret := range []string{e.acct.Password, "Marco de Vries suggested"} {
		if strings.Contains(r.stderr, secret) {
			t.Errorf("sweep --debug's trace shows %q", secret)
		}
	}
}

// TestAccounts checks `accounts test` against the server and `accounts
// list` without one; neither prints the password.
func TestAccounts(t *testing.T) {
	e := newSweepEnv(t)
	r := triage(t, e.env, "accounts", "test", "--config", e.config, "--account", "work")
	r.check(t, "accounts test", 0)
	for _, want := range []string{
		"server        127.0.0.1:" + strconv.Itoa(e.acct.Port) + ", no TLS",
		"login         ok as " + e.acct.Username,
		"MOVE yes, UIDPLUS yes, CONDSTORE no, SPECIAL-USE no",
		fmt.Sprintf("INBOX: %d messages", e.srv.Messages()),
		`keywords      allowed`,
		`search        FROM "linkedin.com" OR a SUBJECT with any of `,
		// The sample LinkedIn emails, look-alike included, and none of the ordinary mail.
		fmt.Sprintf("candidates    %d messages match now", demo.Count()),
		`folders       levels separated by "/"`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("accounts test output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = triage(t, e.env, "accounts", "test", "--verbose", "--config", e.config)
	r.check(t, "accounts test --verbose", 0)
	if !strings.Contains(r.stdout, `OR SUBJECT "is waiting for your response"`) {
		t.Errorf("accounts test --verbose does not list the subjects searched for:\n%s", r.stdout)
	}
	r = triage(t, e.env, "accounts", "list", "--config", e.config)
	r.check(t, "accounts list", 0)
	for _, want := range []string{"work (default): " + e.acct.Username + "@127.0.0.1:", "secret from $TRIAGE_TEST_PASSWORD", "other: nobody@localhost:1/INBOX, tls none, auth plain, secret from password_command"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("accounts list lacks %q:\n%s", want, r.stdout)
		}
	}
	r = triage(t, []string{"TRIAGE_TEST_PASSWORD=wrong"}, "accounts", "test", "--config", e.config)
	r.check(t, "accounts test, bad password", 2)
	if !strings.Contains(r.stderr, "triage: hint: ") {
		t.Errorf("accounts test with a bad password gives no hint:\n%s", r.stderr)
	}
	// A probe must not change the mailbox.
	for uid, fs := range e.mailboxFlags(t) {
		if len(fs) != 0 {
			t.Errorf("accounts test changed the flags of UID %d: %v", uid, fs)
		}
	}
}

// TestDemoSweeps runs the demo: a real sweep over IMAP, then the pending
// actions; its temporary state directory is gone afterwards.
func TestDemoSweeps(t *testing.T) {
	tmp := t.TempDir()
	r := triage(t, []string{"TMPDIR=" + tmp}, "demo")
	r.check(t, "demo", 0)
	for _, want := range []string{
		"Demo: a local IMAP server", fmt.Sprintf("holds %d messages\n", demo.Count()+5),
		" · accept · ", " · ignore · ", " · clarify · ", "Draft reply:",
		"  would: keyword $Triage_accept", "  would: keyword $Triage_ignore", "  would: keyword $Triage_clarify",
		"Source: imap://demo/INBOX;UIDVALIDITY=", `not an invitation ("Marina accepted your invitation`,
		"A second sweep finds no new mail", "Both sweeps were dry runs: nothing in the mailbox was changed.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The second part lists each invitation again, by its actions only.
	_, second, ok := strings.Cut(r.stdout, "A second sweep finds")
	if !ok || strings.Count(second, "  would: keyword ") < 10 || strings.Contains(second, "Reasons:") {
		t.Errorf("demo's second sweep does not list the pending actions in short:\n%s", second)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("demo left %v in its temporary directory", left)
	}

	r = triage(t, []string{"TMPDIR=" + tmp}, "demo", "--json")
	r.check(t, "demo --json", 0)
	var fresh, carried int
	for _, rec := range invitations(sweepRecords(t, r.stdout)) {
		switch {
		case rec.New != nil && *rec.New:
			fresh++
		case rec.New != nil:
			carried++
		}
	}
	if fresh < 10 || carried != fresh {
		t.Errorf("demo --json: %d new and %d carried-over invitations, want at least 10 of each, as many", fresh, carried)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("demo --json left %v in its temporary directory", left)
	}
}

// TestSweepFlagsAfterArgs checks that flags may come in any order after
// the (sub)command, as the reordering promises.
func TestSweepFlagsAfterArgs(t *testing.T) {
	app := newApp(nil, nil)
	tests := []struct{ in, want []string }{
		{[]string{"triage", "sweep", "--json", "--account", "x"}, []string{"triage", "sweep", "--json", "--account", "x"}},
		{[]string{"triage", "sweep", "--account", "x", "--apply", "-c", "c.toml"}, []string{"triage", "sweep", "--account", "x", "--apply", "-c", "c.toml"}},
		{[]string{"triage", "accounts", "test", "--account", "x"}, []string{"triage", "accounts", "test", "--account", "x"}},
		{[]string{"triage", "sweep", "stray", "--since", "2025-01-01"}, []string{"triage", "sweep", "--since", "2025-01-01", "stray"}},
	}
	for _, tt := range tests {
		if got := reorderArgs(app, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("reorderArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHumanSweep checks the human form of a sweep on records made here:
// actions inside the block, carried-over ones and reminders short, the
// tally between.
func TestHumanSweep(t *testing.T) {
	yes, no := true, false
	a := &report.Assessment{Inviter: report.Inviter{Name: "Sam Okafor"}, Score: 1, Verdict: policy.Clarify}
	rem := *a
	rem.Reminder = true
	entries := []report.Entry{
		{Source: "imap://w/INBOX;UIDVALIDITY=7/;UID=3", Kind: report.KindInvitation, Assessment: a, New: &yes, Actions: []string{"keyword $Triage_clarify", "move LinkedIn/Clarify"}, Applied: &no},
		{Source: "imap://w/INBOX;UIDVALIDITY=7/;UID=4", Kind: report.KindNotInvitation, Subject: "Marina accepted your invitation", New: &yes},
		{Source: "imap://w/INBOX;UIDVALIDITY=7/;UID=1", Kind: report.KindInvitation, Assessment: a, New: &no, Actions: []string{"keyword $Triage_clarify"}, Applied: &no},
		{Source: "imap://w/INBOX;UIDVALIDITY=7/;UID=5", Kind: report.KindInvitation, Assessment: &rem, New: &no, Actions: []string{"keyword $Triage_clarify"}, Applied: &no},
	}
	tests := []struct {
		apply   bool
		applied bool
		want    string
	}{
		{false, false, "Sam Okafor · clarify · score 1\n  Note: none\n  Source: imap://w/INBOX;UIDVALIDITY=7/;UID=3\n" +
			"  would: keyword $Triage_clarify\n  would: move LinkedIn/Clarify\n\n" +
			"imap://w/INBOX;UIDVALIDITY=7/;UID=4: not an invitation (\"Marina accepted your invitation\")\n\n" +
			"1 invitation: 0 accept, 0 ignore, 1 clarify; 1 not an invitation\n\n" +
			carriedHeading + "\n\nSam Okafor · clarify · score 1\n  would: keyword $Triage_clarify\n  Source: imap://w/INBOX;UIDVALIDITY=7/;UID=1\n" +
			"\nSam Okafor · clarify · score 1 · reminder\n  would: keyword $Triage_clarify\n  Source: imap://w/INBOX;UIDVALIDITY=7/;UID=5\n"},
		{true, true, "Sam Okafor · clarify · score 1\n  Note: none\n  Source: imap://w/INBOX;UIDVALIDITY=7/;UID=3\n" +
			"  done: keyword $Triage_clarify\n  done: move LinkedIn/Clarify\n\n" +
			"imap://w/INBOX;UIDVALIDITY=7/;UID=4: not an invitation (\"Marina accepted your invitation\")\n\n" +
			"1 invitation: 0 accept, 0 ignore, 1 clarify; 1 not an invitation\n\n" +
			carriedHeading + "\n\nSam Okafor · clarify · score 1\n  done: keyword $Triage_clarify\n  Source: imap://w/INBOX;UIDVALIDITY=7/;UID=1\n" +
			"\nSam Okafor · clarify · score 1 · reminder\n  done: keyword $Triage_clarify\n  Source: imap://w/INBOX;UIDVALIDITY=7/;UID=5\n"},
	}
	for _, tt := range tests {
		var out, diag bytes.Buffer
		h := &humanSweep{out: &paragraphs{w: &out}, diag: &diag, apply: tt.apply, heading: carriedHeading}
		for _, e := range entries {
			if tt.applied {
				e.Applied = &yes
			}
			if err := h.write(e); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("humanSweep(apply %v) wrote\n%s\nwant\n%s", tt.apply, out.String(), tt.want)
		}
	}
}

// TestInterruptedSweep runs a sweep with a context already cancelled, as
// after Ctrl-C: exit 130, nothing printed.
func TestInterruptedSweep(t *testing.T) {
	e := newSweepEnv(t)
	t.Setenv("TRIAGE_TEST_PASSWORD", e.acct.Password)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"triage", "sweep", "--json", "--config", e.config}, &stdout, &stderr); code != 130 {
		t.Errorf("run(cancelled, sweep) = %d, want 130; stderr %q", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("cancelled sweep printed %q", stdout.String())
	}
}

// TestSweepApplyHuman applies at the first sweep, in the human form: each
// block ends with what was done, and nothing speaks of a dry run.
func TestSweepApplyHuman(t *testing.T) {
	e := newSweepEnv(t)
	r := triage(t, e.env, "sweep", "--apply", "--config", e.config)
	r.check(t, "sweep --apply", 0)
	n := strings.Count(r.stdout, "\n  done: keyword $Triage_")
	if n < 10 || strings.Contains(r.stdout, "would:") || strings.Contains(r.stdout, "Dry run") {
		t.Errorf("sweep --apply shows %d done actions (want at least 10) or speaks of a dry run:\n%s", n, r.stdout)
	}
	for _, want := range []string{fmt.Sprintf(" %d new, ", n), fmt.Sprintf(" 0 pending, %d applied\n", n)} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("sweep --apply summary = %q, want it to say %q", r.stderr, want)
		}
	}
	if !strings.HasSuffix(r.stdout, " not an invitation\n") {
		t.Errorf("sweep --apply output does not end with the tally line:\n%s", r.stdout)
	}
}

// TestSweepPartial brings new mail between sweeps, one message of it
// truncated: the sweep reports that message, handles the rest, and exits 3.
func TestSweepPartial(t *testing.T) {
	e := newSweepEnv(t)
	r := triage(t, e.env, "sweep", "--apply", "--json", "--config", e.config)
	r.check(t, "first sweep --apply", 0)

	bad, err := os.ReadFile("testdata/truncated.eml")
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(demoMail + "05-vague-compliment.eml")
	if err != nil {
		t.Fatal(err)
	}
	// An invitation already decided comes again in a new email (new
	// Message-ID, same invitation ID): a reminder, not a second decision,
	// whose message is to be filed as the invitation was.
	now := time.Now()
	badUID, err := e.srv.Append(bad, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Append(bytes.Replace(good, []byte("Message-ID: <"), []byte("Message-ID: <again."), 1), now); err != nil {
		t.Fatal(err)
	}

	r = triage(t, e.env, "sweep", "--config", e.config)
	r.check(t, "sweep with a truncated message", 3)
	wantErr := fmt.Sprintf("triage: error: imap://work/INBOX;UIDVALIDITY=1/;UID=%d: message uid %d: ", badUID, badUID)
	for _, want := range []string{wantErr, "triage: error: 1 message could not be read; the others were handled", "2 candidates, 0 new, 1 reminder, 1 unreadable, 1 pending"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("partial sweep's stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if n := strings.Count(r.stdout, " · score "); n != 1 || !strings.Contains(r.stdout, " · reminder\n  would: keyword $Triage_") {
		t.Errorf("partial sweep shows %d invitations; want the reminder alone, to be filed:\n%s", n, r.stdout)
	}
}

// TestFlushFirstKeepsOrder checks that with standard output buffered,
// what goes to standard error still comes after the output written before
// it when both go to one file (cron's mail, a log), and that the two may
// be written from different goroutines (the --debug trace is written by
// the connection's).
func TestFlushFirstKeepsOrder(t *testing.T) {
	var file bytes.Buffer
	out := &bufferedOut{bw: bufio.NewWriter(&file)}
	errw := flushFirst{w: &file, out: out}
	fmt.Fprintln(out, "invitation 1")
	fmt.Fprintln(errw, "triage: warning")
	fmt.Fprintln(out, "invitation 2")
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "invitation 1\ntriage: warning\ninvitation 2\n"; file.String() != want {
		t.Errorf("combined output %q, want %q", file.String(), want)
	}

	file.Reset()
	var wg sync.WaitGroup
	const n = 200
	for _, w := range []io.Writer{out, errw} {
		wg.Go(func() {
			for range n {
				fmt.Fprintln(w, "0123456789")
			}
		})
	}
	wg.Wait()
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("0123456789\n", 2*n); file.String() != want {
		t.Errorf("concurrent writes gave %d bytes, not %d whole lines", file.Len(), 2*n)
	}
}

// TestDryRunNote checks the hint a dry run ends with: nothing changed,
// what is pending (invitations and the reminders filed as theirs, one
// count), and the command that applies it.
func TestDryRunNote(t *testing.T) {
	const apply = "triage sweep --apply"
	for _, tc := range []struct {
		pending int
		want    string
	}{
		{0, "Dry run: nothing in the mailbox was changed, and no action is pending."},
		{1, "Dry run: nothing in the mailbox was changed. 1 invitation or reminder has actions pending; to carry out the actions listed: " + apply},
		{2000, "Dry run: nothing in the mailbox was changed. 2000 invitations and reminders have actions pending; to carry out the actions listed: " + apply},
	} {
		if got := dryRunNote(sweep.Summary{Pending: tc.pending}, apply); got != tc.want {
			t.Errorf("dryRunNote(%d pending) =\n%s\nwant\n%s", tc.pending, got, tc.want)
		}
	}
}
