package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// readmeBlocks returns the contents of README.md's fenced blocks of the
// given language, in order.
func readmeBlocks(t *testing.T, lang string) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```"+regexp.QuoteMeta(lang)+"\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		out = append(out, m[1])
	}
	return out
}

// scheduledHome makes a home directory as the README's scheduling section
// expects it: the binary in ~/go/bin, the config in ~/.config/triage with
// an account for e's server whose password comes from a file by
// password_command, and no other environment.
func scheduledHome(t *testing.T, e *sweepEnv) (home string, env []string) {
	t.Helper()
	home = t.TempDir()
	for _, dir := range []string{"go/bin", ".config/triage"} {
		if err := os.MkdirAll(filepath.Join(home, dir), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(triageBin, filepath.Join(home, "go/bin/triage")); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`[[account]]
name = "personal"
host = "127.0.0.1"
port = %d
tls = "none"
username = %q
password_command = "cat ~/.config/triage/imap-password"
`, e.acct.Port, e.acct.Username)
	if err := os.WriteFile(filepath.Join(home, ".config/triage/config.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".config/triage/imap-password"), []byte(e.acct.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// What cron gives a job: HOME, a short PATH, a shell; nothing else.
	return home, []string{"HOME=" + home, "PATH=/usr/bin:/bin", "SHELL=/bin/sh"}
}

// TestReadmeCronLine runs the README's crontab line as cron would (with
// sh, in a bare environment), after the sweep by hand the README asks
// for: it must exit 0, apply, and log JSON lines and a summary.
func TestReadmeCronLine(t *testing.T) {
	blocks := readmeBlocks(t, "crontab")
	if len(blocks) != 1 {
		t.Fatalf("README.md has %d crontab blocks, want 1", len(blocks))
	}
	line := strings.TrimSpace(blocks[0])
	fields := strings.Fields(line)
	if len(fields) < 6 {
		t.Fatalf("crontab line %q has no command", line)
	}
	if strings.Contains(line, "%") {
		t.Fatalf("crontab line %q has a %%, which cron turns into a newline", line)
	}
	// Drop the five time fields.
	cmdline := line
	for range 5 {
		cmdline = strings.TrimLeft(cmdline, " \t")
		cmdline = cmdline[strings.IndexAny(cmdline, " \t"):]
	}

	e := newSweepEnv(t)
	home, env := scheduledHome(t, e)
	sh := func(script string) (string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", script)
		cmd.Env, cmd.Dir = env, home
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := sh(`"$HOME/go/bin/triage" sweep`); code != 0 || !strings.Contains(out, "Dry run") {
		t.Fatalf("the sweep by hand: exit %d\n%s", code, out)
	}
	if out, code := sh(cmdline); code != 0 || out != "" {
		t.Fatalf("the crontab line exits %d and prints %q (cron would mail it), want 0 and nothing", code, out)
	}
	jsonl, err := os.ReadFile(filepath.Join(home, ".local/state/triage/sweep.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	recs := invitations(sweepRecords(t, string(jsonl)))
	if len(recs) < 10 {
		t.Errorf("the crontab line logged %d invitations, want the 10+ pending ones:\n%s", len(recs), jsonl)
	}
	for _, r := range recs {
		if r.Applied == nil || !*r.Applied {
			t.Errorf("the crontab line did not apply %s", r.Source)
		}
	}
	logb, err := os.ReadFile(filepath.Join(home, ".local/state/triage/sweep.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logb), "triage: sweep personal/INBOX: ") || !strings.Contains(string(logb), " applied") {
		t.Errorf("sweep.log = %q, want the summary line", logb)
	}
}

// TestReadmeSystemdUnits checks the README's service and timer with
// systemd-analyze verify, with the binary where the service expects it.
func TestReadmeSystemdUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	units := readmeBlocks(t, "ini")
	if len(units) != 2 {
		t.Fatalf("README.md has %d ini blocks, want the service and the timer", len(units))
	}
	e := newSweepEnv(t)
	home, env := scheduledHome(t, e)
	dir := filepath.Join(home, ".config/systemd/user")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(home, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	var files []string
	for i, name := range []string{"triage-sweep.service", "triage-sweep.timer"} {
		if !strings.Contains(units[i], map[int]string{0: "[Service]", 1: "[Timer]"}[i]) {
			t.Fatalf("README.md's ini block %d is not the %s", i+1, name)
		}
		files = append(files, filepath.Join(dir, name))
		if err := os.WriteFile(files[i], []byte(units[i]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"Type=oneshot", "ExecStart=%h/go/bin/triage sweep --apply", "SuccessExitStatus=3 4"} {
		if !strings.Contains(units[0], want) {
			t.Errorf("the README's service lacks %q", want)
		}
	}
	cmd := exec.Command(analyze, append([]string{"--user", "verify"}, files...)...)
	cmd.Env = append(env, "XDG_RUNTIME_DIR="+run)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("systemd-analyze --user verify: %v\n%s", err, out)
	}
}
