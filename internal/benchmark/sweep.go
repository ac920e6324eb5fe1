package benchmark

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RunTimeout bounds one sweep or floor run: a run that takes longer is
// stopped and the benchmark fails, naming it.
const RunTimeout = 5 * time.Minute

// ErrNoSweep reports a triage binary without the sweep command.
var ErrNoSweep = errors.New("triage has no sweep command yet")

// BuildTriage builds ./cmd/triage of the module at root into dir and
// returns the binary's path.
func BuildTriage(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "triage")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/triage")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/triage: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return bin, nil
}

// HasSweep reports whether the binary has a working `sweep --help`.
func HasSweep(ctx context.Context, bin string) bool {
	cmd := exec.CommandContext(ctx, bin, "sweep", "--help")
	out, err := cmd.CombinedOutput()
	return err == nil && bytes.Contains(out, []byte("sweep"))
}

// SweepConfig is what the benchmark's config file says.
type SweepConfig struct {
	StateDir string
	Host     string
	Port     int
	User     string
}

// WriteConfig writes a triage config for one sweep account over plain
// loopback IMAP, with the password in $TRIAGE_PASSWORD, and returns its path.
func WriteConfig(dir string, c SweepConfig) (string, error) {
	path := filepath.Join(dir, "config.toml")
	text := fmt.Sprintf(`# triage-bench: one account on a throw-away Dovecot.
state_dir = %s

[me]
name = "Paul Hammant"
email = "paul@hammant.org"

[[account]]
name = "bench"
host = %s
port = %d
tls = "none"
username = %s
password_env = "TRIAGE_PASSWORD"
timeout = "60s"
`, strconv.Quote(c.StateDir), strconv.Quote(c.Host), c.Port, strconv.Quote(c.User))
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", fmt.Errorf("write sweep config: %w", err)
	}
	return path, nil
}

// SweepRun is one `triage sweep` process.
type SweepRun struct {
	Elapsed time.Duration
	// MaxRSS is the rusage's maxrss: on Linux no less than the RSS of
	// this (large) process when it started the child, which shares its
	// memory until exec. The figures use MeasureRSS instead.
	MaxRSS    int64
	User, Sys time.Duration
	ExitCode  int
	Out       SweepOutput
	// Stderr holds the process's standard error when it was kept.
	Stderr []byte
}

// SweepOutput counts the JSON lines a sweep printed.
type SweepOutput struct {
	Lines          int
	Invitations    int // kind "invitation"
	New            int // invitations with "new": true
	NotInvitations int
	Errors         int
	Other          int
	// Distinct is the number of distinct invitations (by invitation ID,
	// else source).
	Distinct int
	// Samples are the first lines of each kind other than "invitation",
	// cut to 400 bytes, to show what went wrong.
	Samples []string
	keys    map[string]struct{}
	sampled map[string]int
	raw     []byte // the output, until counted
	bad     int    // lines that are not JSON
}

// Write takes the sweep's standard output. It only keeps it: the lines
// are read by count once the process has exited.
func (o *SweepOutput) Write(p []byte) (int, error) {
	o.raw = append(o.raw, p...)
	return len(p), nil
}

// count reads the lines kept by Write.
func (o *SweepOutput) count() {
	for l := range bytes.Lines(o.raw) {
		o.line(bytes.TrimSuffix(l, []byte("\n")))
	}
	o.raw = nil
}

func (o *SweepOutput) line(l []byte) {
	if len(bytes.TrimSpace(l)) == 0 {
		return
	}
	o.Lines++
	var e struct {
		Kind         string `json:"kind"`
		New          *bool  `json:"new"`
		InvitationID string `json:"invitation_id"`
		Source       string `json:"source"`
	}
	if err := json.Unmarshal(l, &e); err != nil {
		o.bad++
		o.Other++
		return
	}
	if e.Kind != "invitation" {
		if o.sampled == nil {
			o.sampled = map[string]int{}
		}
		if o.sampled[e.Kind] < 3 {
			o.sampled[e.Kind]++
			o.Samples = append(o.Samples, string(l[:min(len(l), 400)]))
		}
	}
	switch e.Kind {
	case "invitation":
		o.Invitations++
		if e.New != nil && *e.New {
			o.New++
		}
		key := e.InvitationID
		if key == "" {
			key = "source:" + e.Source
		}
		if o.keys == nil {
			o.keys = map[string]struct{}{}
		}
		if _, dup := o.keys[key]; !dup {
			o.keys[key] = struct{}{}
			o.Distinct++
		}
	case "not_invitation":
		o.NotInvitations++
	case "error":
		o.Errors++
	default:
		o.Other++
	}
}

// RunSweep runs `triage sweep --config cfg --json args...` with the
// password in the environment and measures it. keepStderr keeps the
// standard error (for --debug); otherwise only its last few KB are kept for
// error messages. A non-zero exit is an error.
func RunSweep(ctx context.Context, bin, cfg, password string, keepStderr bool, args ...string) (SweepRun, error) {
	var run SweepRun
	ctx, cancel := context.WithTimeout(ctx, RunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"sweep", "--config", cfg, "--json"}, args...)...)
	cmd.Env = append(os.Environ(), "TRIAGE_PASSWORD="+password)
	// Standard output goes to a file, as a scheduled sweep's to its log,
	// and is read once the process has exited: through a pipe, the time
	// would include this process reading megabytes of a long listing on
	// the cores the sweep runs on (a pipe of 64 KB makes the sweep's
	// writes wait for every read), 10-30 ms at 10,000 lines.
	out, err := os.CreateTemp("", "triage-sweep-out-")
	if err != nil {
		return run, err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd.Stdout = out
	var stderr tailBuffer
	stderr.keepAll = keepStderr
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	run.Elapsed = time.Since(start)
	// The output is read whatever the exit, for the error message.
	var readErr error
	if _, readErr = out.Seek(0, io.SeekStart); readErr == nil {
		_, readErr = io.Copy(&run.Out, out)
	}
	run.Out.count()
	run.Stderr = stderr.buf
	if ps := cmd.ProcessState; ps != nil {
		run.ExitCode = ps.ExitCode()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			run.MaxRSS = maxRSSBytes(ru)
			run.User = time.Duration(ru.Utime.Nano())
			run.Sys = time.Duration(ru.Stime.Nano())
		}
	}
	if err != nil && ctx.Err() == context.DeadlineExceeded {
		return run, fmt.Errorf("triage sweep %s: did not finish within %v (killed after printing %d lines): %s",
			strings.Join(args, " "), RunTimeout, run.Out.Lines, lastLines(stderr.buf, 5))
	}
	if err != nil {
		return run, fmt.Errorf("triage sweep %s: %w: %s", strings.Join(args, " "), err, lastLines(stderr.buf, 5))
	}
	if readErr != nil {
		return run, fmt.Errorf("triage sweep %s: reading its output: %w", strings.Join(args, " "), readErr)
	}
	if run.Out.bad > 0 {
		return run, fmt.Errorf("triage sweep %s: %d output lines are not JSON", strings.Join(args, " "), run.Out.bad)
	}
	return run, nil
}

// timeBin is GNU time, which forks (copying its own small memory, not
// ours) and so reports the child's own peak RSS.
const timeBin = "/usr/bin/time"

// ErrNoTime reports that GNU time, needed to measure peak RSS, is missing.
var ErrNoTime = errors.New(timeBin + " is missing: install the time package (apt-get install time) to measure peak RSS")

// MeasureRSS runs `triage sweep --config cfg --json args...` as RunSweep
// does, under GNU time, and returns the sweep process's peak RSS in bytes.
// It is a run of its own, untimed: GNU time adds a process start.
func MeasureRSS(ctx context.Context, bin, cfg, password string, args ...string) (int64, error) {
	if _, err := os.Stat(timeBin); err != nil {
		return 0, ErrNoTime
	}
	out, err := os.CreateTemp("", "triage-rss-")
	if err != nil {
		return 0, err
	}
	out.Close()
	defer os.Remove(out.Name())
	ctx, cancel := context.WithTimeout(ctx, RunTimeout)
	defer cancel()
	argv := append([]string{"-f", "%M", "-o", out.Name(), bin, "sweep", "--config", cfg, "--json"}, args...)
	cmd := exec.CommandContext(ctx, timeBin, argv...)
	cmd.Env = append(os.Environ(), "TRIAGE_PASSWORD="+password)
	var stderr tailBuffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("triage sweep %s (for its RSS): %w: %s", strings.Join(args, " "), err, lastLines(stderr.buf, 5))
	}
	text, err := os.ReadFile(out.Name())
	if err != nil {
		return 0, err
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(lastLines(text, 1)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("GNU time printed %q, not a size in KB", text)
	}
	return kb << 10, nil
}

// tailBuffer keeps all it is given, or only the last 8 KB.
type tailBuffer struct {
	keepAll bool
	buf     []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if !t.keepAll && len(t.buf) > 8<<10 {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-8<<10:]...)
	}
	return len(p), nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// SubjectsFromTrace returns the SUBJECT values of the UID SEARCH that a
// `triage sweep --debug` trace shows, and whether it found that search.
// A subject sent as a literal is hidden in the trace ("{N bytes}"), so it
// fails with an error naming it.
func SubjectsFromTrace(trace []byte) ([]string, bool, error) {
	sc := bufio.NewScanner(bytes.NewReader(trace))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		i := strings.Index(strings.ToUpper(line), " UID SEARCH ")
		if !strings.HasPrefix(line, "C: ") || i < 0 {
			continue
		}
		rest := line[i+len(" UID SEARCH "):]
		if !strings.Contains(strings.ToUpper(rest), "FROM") {
			continue // e.g. a search by Message-ID
		}
		var subjects []string
		for {
			j := strings.Index(strings.ToUpper(rest), "SUBJECT ")
			if j < 0 {
				break
			}
			rest = rest[j+len("SUBJECT "):]
			if !strings.HasPrefix(rest, `"`) {
				return nil, true, fmt.Errorf("sweep trace: a SUBJECT is not a quoted string (a literal?): %.60q", rest)
			}
			s, n, err := unquote(rest)
			if err != nil {
				return nil, true, fmt.Errorf("sweep trace: %w", err)
			}
			subjects = append(subjects, s)
			rest = rest[n:]
		}
		return subjects, true, nil
	}
	return nil, false, sc.Err()
}

// unquote reads an IMAP quoted string at the start of s and returns it and
// the bytes it took.
func unquote(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", 0, fmt.Errorf("unterminated quoted string %.60q", s)
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted string %.60q", s)
}
