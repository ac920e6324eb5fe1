//go:build unix

package state

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/triagehq/triage/internal/policy"
)

// helperEnv makes the test binary act as a second triage process; see
// TestHelperProcess.
const helperEnv = "TRIAGE_STATE_TEST_HELPER"

// TestHelperProcess is not a test: run by the tests below as a separate
// process, it takes the sweep lock, or records an intent and dies.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	dir := os.Getenv(helperEnv + "_DIR")
	s, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	switch mode {
	case "lock":
		// Hold the sweep lock until stdin closes or the process is killed.
		if _, err := s.LockSweep(acct); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println("locked")
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	case "intent":
		// A sweep with --apply that dies between acting and confirming.
		r := NewRecord(invitation("4242", "crash@linkedin.com", "Crash Test"), 0, decision(policy.Ignore, -5), nil, loc(4242, ""), t0)
		if _, _, err := s.Put(acct, r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := s.MarkIntent(acct, r.Key, []string{"keyword $Triage_ignore", "move LinkedIn/Ignore"}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Minute)
	}
	os.Exit(3)
}

func helper(t *testing.T, mode, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperEnv+"_DIR="+dir)
	cmd.Stderr = os.Stderr
	return cmd
}

func TestLockSweepOtherProcess(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir)
	cmd := helper(t, "lock", dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper said %q, %v; want locked", line, err)
	}

	start := time.Now()
	_, err = s.LockSweep(acct)
	d := time.Since(start)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("LockSweep while another process sweeps = %v, want ErrLocked", err)
	}
	if want := fmt.Sprintf("pid %d", cmd.Process.Pid); !strings.Contains(err.Error(), want) {
		t.Errorf("LockSweep error %q does not name the holder (%s)", err, want)
	}
	if d > 500*time.Millisecond {
		t.Errorf("LockSweep took %v to refuse; want at once", d)
	}
	// The database stays usable while the other process sweeps.
	if err := s.SetPosition(acct, "INBOX", 3, 9); err != nil {
		t.Errorf("SetPosition while another process holds the sweep lock = %v", err)
	}

	// A crashed sweep leaves no stale lock: the kernel drops it.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	cmd.Wait()
	unlock, err := s.LockSweep(acct)
	if err != nil {
		t.Fatalf("LockSweep after the holder died = %v, want nil", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestUnconfirmedAfterCrash(t *testing.T) {
	dir := t.TempDir()
	newStore(t, dir)
	cmd := helper(t, "intent", dir)
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("helper = %v, want killed by SIGKILL after recording the intent", err)
	}

	// The next run, a new process with a new Store, finds the intent.
	s := newStore(t, dir)
	if pend, err := s.Pending(acct); err != nil || len(pend) != 0 {
		t.Errorf("Pending after the crash = %d, %v; want none (the intent is not pending)", len(pend), err)
	}
	un, err := s.Unconfirmed(acct)
	if err != nil || len(un) != 1 {
		t.Fatalf("Unconfirmed after the crash = %d, %v; want 1", len(un), err)
	}
	r := un[0]
	want := loc(4242, "crash@linkedin.com")
	if r.Key != "inv:4242" || r.Action.Target == nil || *r.Action.Target != want || strings.Join(r.Action.Planned, "; ") != "keyword $Triage_ignore; move LinkedIn/Ignore" {
		t.Errorf("unconfirmed record %q action %+v target %+v, want inv:4242 with its plan at %+v", r.Key, r.Action, r.Action.Target, want)
	}
	// Reconciled: the message shows the keyword, so the action took effect.
	if err := s.MarkDone(acct, r.Key, t0); err != nil {
		t.Fatal(err)
	}
	if un, _ := s.Unconfirmed(acct); len(un) != 0 {
		t.Errorf("Unconfirmed after reconciling = %d, want 0", len(un))
	}
}
