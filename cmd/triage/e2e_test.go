package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// triageBin is the triage binary TestMain builds for the end-to-end tests.
var triageBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "triage-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	triageBin = filepath.Join(dir, "triage")
	build := exec.Command("go", "build", "-o", triageBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building triage:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const demoMail = "../../internal/demo/mail/"

type result struct {
	stdout, stderr string
	code           int
}

// triage runs the binary with a clean environment: no TRIAGE_CONFIG and an
// empty user config dir, so only what the test passes is read.
func triage(t *testing.T, env []string, args ...string) result {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, triageBin, args...)
	cmd.Env = append([]string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "PATH=" + os.Getenv("PATH")}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("triage %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

func (r result) check(t *testing.T, args string, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("triage %s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.code, code, r.stdout, r.stderr)
	}
}

// record is the part of a --json line the tests look at.
type record struct {
	Source    string `json:"source"`
	MessageID string `json:"message_id"`
	Date      string `json:"date"`
	Kind      string `json:"kind"`
	Error     string `json:"error"`
	Inviter   *struct {
		Name              string `json:"name"`
		FirstName         string `json:"first_name"`
		Headline          string `json:"headline"`
		Location          string `json:"location"`
		ProfileURL        string `json:"profile_url"`
		Connections       *int   `json:"connections"`
		MutualConnections *int   `json:"mutual_connections"`
	} `json:"inviter"`
	Note         string  `json:"note"`
	NoteClass    string  `json:"note_class"`
	LION         bool    `json:"lion"`
	Reminder     bool    `json:"reminder"`
	InvitationID string  `json:"invitation_id"`
	Score        *int    `json:"score"`
	Verdict      string  `json:"verdict"`
	Draft        *string `json:"draft"`
	Reasons      []struct {
		Rule   string `json:"rule"`
		Points int    `json:"points"`
		Why    string `json:"why"`
	} `json:"reasons"`
	raw map[string]any
}

func parseJSONLines(t *testing.T, out string) []record {
	t.Helper()
	var recs []record
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		if err := json.Unmarshal(sc.Bytes(), &r.raw); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestExplainHuman(t *testing.T) {
	r := triage(t, nil, "explain", demoMail+"01-personalised-mutual-talk.eml", demoMail+"13-acceptance-notice.eml")
	r.check(t, "explain 01 13", 0)
	for _, want := range []string{
		"Priya Raman · ", "Staff Data Engineer at Contoso Health", "14 connections in common",
		`Note (personalised): "Hi Robin, Marco de Vries suggested`, "Reasons:", "Source: " + demoMail + "01-personalised-mutual-talk.eml",
		demoMail + "13-acceptance-notice.eml: not an invitation", "1 invitation: ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain output lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "using built-in defaults") {
		t.Errorf("stderr = %q, want it to say the built-in defaults are used", r.stderr)
	}
	for _, secret := range []string{"invite-accept", "midToken", "sharedKey"} {
		if strings.Contains(r.stdout, secret) {
			t.Errorf("explain output shows %q: LinkedIn link tokens must stay out of the output", secret)
		}
	}
}

func TestExplainJSONFlagAfterPaths(t *testing.T) {
	files := []string{"01-personalised-mutual-talk.eml", "08-digest-two-invitations.eml", "13-acceptance-notice.eml"}
	args := []string{"explain"}
	for _, f := range files {
		args = append(args, demoMail+f)
	}
	args = append(args, "--json") // after the paths, as users type it
	r := triage(t, nil, args...)
	r.check(t, strings.Join(args, " "), 0)
	recs := parseJSONLines(t, r.stdout)
	if len(recs) != 4 {
		t.Fatalf("got %d records, want 4 (1 + 2 digest invitations + 1 notice):\n%s", len(recs), r.stdout)
	}
	p := recs[0]
	if p.Kind != "invitation" || p.Source != demoMail+files[0] || p.Inviter == nil || p.Inviter.Name != "Priya Raman" || p.Inviter.FirstName != "Priya" {
		t.Fatalf("record 0 = %+v, want Priya Raman's invitation from %s", p, files[0])
	}
	if _, err := time.Parse(time.RFC3339, p.Date); err != nil || !strings.HasPrefix(p.Date, "2025-03-14T09:26:53") {
		t.Errorf("date = %q, want RFC 3339 2025-03-14T09:26:53Z", p.Date)
	}
	if p.MessageID == "" || p.InvitationID != "7306118842735517696" {
		t.Errorf("message_id = %q, invitation_id = %q, want both set (invitation 7306118842735517696)", p.MessageID, p.InvitationID)
	}
	if p.Inviter.MutualConnections == nil || *p.Inviter.MutualConnections != 14 {
		t.Errorf("mutual_connections = %v, want 14", p.Inviter.MutualConnections)
	}
	inviter := p.raw["inviter"].(map[string]any)
	if v, ok := inviter["connections"]; !ok || v != nil {
		t.Errorf("inviter.connections = %v (present %v), want null: the emails never carry it", v, ok)
	}
	if p.Inviter.ProfileURL != "https://www.linkedin.com/in/priya-raman-data/" {
		t.Errorf("profile_url = %q, want the cleaned vanity URL", p.Inviter.ProfileURL)
	}
	if p.NoteClass != "personalised" || p.Score == nil || len(p.Reasons) == 0 {
		t.Errorf("record 0: note_class %q, score %v, %d reasons; want personalised with reasons", p.NoteClass, p.Score, len(p.Reasons))
	}
	sum := 0
	for _, rs := range p.Reasons {
		sum += rs.Points
		if rs.Rule == "" || rs.Why == "" {
			t.Errorf("reason %+v lacks a rule or an explanation", rs)
		}
	}
	if p.Score != nil && sum != *p.Score {
		t.Errorf("reasons add up to %d, score is %d", sum, *p.Score)
	}
	for i, rec := range recs[:3] {
		switch rec.Verdict {
		case "accept", "ignore", "clarify":
		default:
			t.Errorf("record %d verdict = %q", i, rec.Verdict)
		}
		if (rec.Verdict == "clarify") != (rec.Draft != nil) {
			t.Errorf("record %d: verdict %s with draft %v: want a draft exactly for clarify", i, rec.Verdict, rec.Draft)
		}
		for _, k := range []string{"source", "message_id", "date", "kind", "inviter", "note", "note_class", "lion", "reminder", "invitation_id", "score", "verdict", "reasons", "draft"} {
			if _, ok := rec.raw[k]; !ok {
				t.Errorf("record %d lacks %q", i, k)
			}
		}
	}
	if recs[1].Inviter.Name != "Sofia Marques" || recs[2].Inviter.Name != "Jonas Berg" || recs[1].Source != recs[2].Source {
		t.Errorf("digest records = %q, %q, want Sofia Marques and Jonas Berg from one source", recs[1].Inviter.Name, recs[2].Inviter.Name)
	}
	if n := recs[3]; n.Kind != "not_invitation" || n.MessageID == "" || n.Date == "" || n.raw["verdict"] != nil {
		t.Errorf("acceptance notice record = %v, want kind not_invitation with message_id and date, no verdict", n.raw)
	}
	if strings.Contains(r.stdout, "invite-accept") {
		t.Error("--json output contains an accept link")
	}
}

func TestExplainPartial(t *testing.T) {
	r := triage(t, nil, "explain", "--json", "testdata/mixed.mbox", demoMail+"05-vague-compliment.eml")
	r.check(t, "explain mixed.mbox", 3)
	recs := parseJSONLines(t, r.stdout)
	var kinds []string
	for _, rec := range recs {
		kinds = append(kinds, rec.Kind+" "+rec.Source)
	}
	want := []string{
		"invitation testdata/mixed.mbox#1",
		"error testdata/mixed.mbox#2",
		"not_invitation testdata/mixed.mbox#3",
		"invitation testdata/mixed.mbox#4",
		"invitation " + demoMail + "05-vague-compliment.eml",
	}
	if strings.Join(kinds, "\n") != strings.Join(want, "\n") {
		t.Fatalf("records:\n%s\nwant:\n%s", strings.Join(kinds, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(recs[1].Error, "truncated") {
		t.Errorf("error record says %q, want it to name the truncation", recs[1].Error)
	}
	if !strings.Contains(r.stderr, "triage: error: 1 message could not be read") {
		t.Errorf("stderr = %q, want the partial-run error", r.stderr)
	}

	// The human form reports the bad message on stderr, naming it.
	r = triage(t, nil, "explain", "testdata/mixed.mbox")
	r.check(t, "explain mixed.mbox (human)", 3)
	if !regexp.MustCompile(`(?m)^triage: error: testdata/mixed\.mbox#2: .*truncated`).MatchString(r.stderr) {
		t.Errorf("stderr = %q, want a line naming testdata/mixed.mbox#2 and the problem", r.stderr)
	}
	if !strings.Contains(r.stdout, "Kevin Marsh") {
		t.Errorf("stdout lacks the invitation after the bad message:\n%s", r.stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"explain", "no/such/file.eml"}, "triage: error: no/such/file.eml: no such file or directory"},
		{[]string{"explain", demoMail + "01-personalised-mutual-talk.eml", "no/such/dir"}, "no/such/dir"},
		{[]string{"explain"}, "triage: error: explain needs at least one PATH"},
		{[]string{"explain", "--nope", demoMail + "01-personalised-mutual-talk.eml"}, "triage: error: flag provided but not defined: -nope"},
		{[]string{"frobnicate"}, `triage: error: unknown command "frobnicate"`},
		{[]string{"policy", "frob"}, `triage: error: unknown policy command "frob"`},
		{[]string{"demo", "extra"}, "triage: error: demo takes no arguments"},
	}
	for _, tt := range tests {
		r := triage(t, nil, tt.args...)
		r.check(t, strings.Join(tt.args, " "), 1)
		if !strings.Contains(r.stderr, tt.want) {
			t.Errorf("triage %s: stderr = %q, want %q", strings.Join(tt.args, " "), r.stderr, tt.want)
		}
		if tt.args[0] == "explain" && r.stdout != "" {
			t.Errorf("triage %s: stdout = %q, want nothing", strings.Join(tt.args, " "), r.stdout)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"testdata/bad-unknown-key.toml", "policy.thresholds.ignroe"},
		{"testdata/bad-regex.toml", "policy.rule[0].match"},
		{"testdata/bad-template.toml", "reply.template"},
	}
	for _, tt := range tests {
		for _, args := range [][]string{
			{"explain", demoMail + "01-personalised-mutual-talk.eml", "--config", tt.file},
			{"policy", "check", "--config", tt.file},
		} {
			r := triage(t, nil, args...)
			r.check(t, strings.Join(args, " "), 1)
			if !strings.Contains(r.stderr, "triage: error: ") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("triage %s: stderr = %q, want an error naming %s", strings.Join(args, " "), r.stderr, tt.want)
			}
		}
	}
	// TRIAGE_CONFIG is read when --config is absent.
	r := triage(t, []string{"TRIAGE_CONFIG=testdata/bad-regex.toml"}, "policy", "check")
	r.check(t, "policy check with TRIAGE_CONFIG", 1)
	if !strings.Contains(r.stderr, "policy.rule[0].match") {
		t.Errorf("stderr = %q, want the error of TRIAGE_CONFIG's file", r.stderr)
	}
}

func TestPolicyCheck(t *testing.T) {
	r := triage(t, nil, "policy", "check", "--config", "../../config.example.toml")
	r.check(t, "policy check --config config.example.toml", 0)
	if !strings.Contains(r.stdout, "../../config.example.toml: ok") {
		t.Errorf("stdout = %q, want it to name the config and say ok", r.stdout)
	}
	if !strings.Contains(strings.ToLower(r.stdout), "accept") || strings.Count(r.stdout, "\n") < 5 {
		t.Errorf("stdout = %q, want a summary of the policy", r.stdout)
	}
	if lines := strings.Count(r.stdout, "\n"); lines > 60 {
		t.Errorf("policy check printed %d lines, want one screen", lines)
	}

	r = triage(t, nil, "policy", "check")
	r.check(t, "policy check", 0)
	if !strings.Contains(r.stderr, "using built-in defaults") || !strings.Contains(r.stdout, "built-in defaults: ok") {
		t.Errorf("policy check without config: stdout %q, stderr %q; want the built-in defaults", r.stdout, r.stderr)
	}
}

func TestDemo(t *testing.T) {
	r := triage(t, nil, "demo", "--json")
	r.check(t, "demo --json", 0)
	verdicts := map[string]int{}
	invitations := 0
	for _, rec := range parseJSONLines(t, r.stdout) {
		if rec.Kind == "invitation" {
			invitations++
			verdicts[rec.Verdict]++
		}
		if rec.Kind == "error" {
			t.Errorf("demo record %s is an error: %s", rec.Source, rec.Error)
		}
	}
	if invitations < 10 {
		t.Errorf("demo shows %d invitations, want at least 10", invitations)
	}
	for _, v := range []string{"accept", "ignore", "clarify"} {
		if verdicts[v] == 0 {
			t.Errorf("demo has no %s verdict: %v", v, verdicts)
		}
	}

	r = triage(t, nil, "demo")
	r.check(t, "demo", 0)
	for _, want := range []string{" · accept · ", " · ignore · ", " · clarify · ", "Draft reply:", "If we have met, I apologise, I don't recall."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(r.stderr, "error") {
		t.Errorf("demo stderr = %q", r.stderr)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := triage(t, nil, args...)
		r.check(t, args[0], 0)
		if !strings.HasPrefix(r.stdout, "triage ") {
			t.Errorf("triage %s = %q, want it to start with \"triage \"", args[0], r.stdout)
		}
	}
}

// TestReadmeTestCommandInCI keeps the README's quick start and .ci/run in
// step: CI must run exactly the test command the README gives.
func TestReadmeTestCommandInCI(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?m)^(go test [^\n]*)$").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no line starting with `go test`")
	}
	cmd := string(m[1])
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(cmd) + `$`).Match(ci) {
		t.Errorf(".ci/run does not run the README's test command %q on a line of its own", cmd)
	}
	if !strings.Contains(cmd, "-race") {
		t.Errorf("the README's test command %q lacks -race", cmd)
	}
}
