// Package benchmark measures `triage sweep` against a real Dovecot: it
// loads a generated mailbox (10% LinkedIn invitations copied from the
// parser's fixtures, 90% ordinary mail of realistic sizes), then times the
// floor (a minimal go-imap client doing only the sweep's UID SEARCH and
// UID FETCH BODY.PEEK[]), the full sweep and an incremental sweep with
// nothing new, each as a whole process, and reports the sweep's peak RSS.
// Every sweep's output is checked: a fast wrong answer is not a result.
package benchmark

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/triagehq/triage/internal/dovecottest"
	"github.com/triagehq/triage/internal/inbox"
)

// Targets of issue 3.
const (
	TargetRatio       = 1.3
	TargetIncremental = 50 * time.Millisecond
	TargetRSS         = 64 << 20
	// TargetFlat is how much more the largest mailbox's full sweep may
	// use than the smallest's and still count as flat.
	TargetFlat = 1.25
)

// Options configures a benchmark run.
type Options struct {
	// Root is the triage module's root: ./cmd/triage is built from it and
	// the fixtures are read from internal/inbox/testdata.
	Root string
	// Sizes are the mailbox sizes in messages.
	Sizes []int
	// Runs of each measurement; the median is reported.
	FloorRuns, SweepRuns, IncrementalRuns int
	// Subjects overrides the subject list of the floor's search. Empty:
	// inbox.SearchSubjects(), the sweep's list (checked against the
	// sweep's --debug trace).
	Subjects []string
	// TempDir holds Dovecot and the sweeps' state (the system's default
	// when empty); it needs room for the mailboxes.
	TempDir string
	// Triage, when set, is a triage binary to measure instead of one
	// built from Root (e.g. a build with a candidate fix).
	Triage string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

func (o *Options) defaults() {
	if len(o.Sizes) == 0 {
		o.Sizes = []int{20000, 100000}
	}
	if o.FloorRuns <= 0 {
		o.FloorRuns = 3
	}
	if o.SweepRuns <= 0 {
		o.SweepRuns = 3
	}
	if o.IncrementalRuns <= 0 {
		o.IncrementalRuns = 10
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Report is the whole run.
type Report struct {
	Started   time.Time `json:"started"`
	GoVersion string    `json:"go_version"`
	CPUs      int       `json:"cpus"`
	Dovecot   string    `json:"dovecot"`
	Triage    string    `json:"triage"` // the binary measured
	// SubjectsFrom says where the floor's subject list came from.
	SubjectsFrom string    `json:"subjects_from"`
	Subjects     []string  `json:"subjects"`
	Templates    []string  `json:"templates"`
	Sizes        []*Result `json:"sizes"`
	// Flat is the largest full-sweep peak RSS over the smallest.
	Flat float64 `json:"rss_growth"`
	// Problems lists every failed correctness check; a report with
	// problems is no benchmark.
	Problems []string `json:"problems"`
}

// Result holds the figures of one mailbox size.
type Result struct {
	Messages       int           `json:"messages"`
	Invitations    int           `json:"invitations"`
	Notices        int           `json:"linkedin_notices"`
	MailboxBytes   int64         `json:"mailbox_bytes"`
	Load           time.Duration `json:"load_ns"`
	Candidates     int           `json:"candidates"`
	CandidateBytes int64         `json:"candidate_bytes"`

	Floor       []time.Duration `json:"floor_ns"`
	FloorMedian time.Duration   `json:"floor_median_ns"`
	FloorCPU    time.Duration   `json:"floor_cpu_median_ns"` // the client's own CPU

	Sweep        []time.Duration `json:"sweep_ns,omitempty"`
	SweepMedian  time.Duration   `json:"sweep_median_ns,omitempty"`
	SweepUser    time.Duration   `json:"sweep_user_median_ns,omitempty"`
	SweepSys     time.Duration   `json:"sweep_sys_median_ns,omitempty"`
	Ratio        float64         `json:"ratio,omitempty"`
	FullRSS      int64           `json:"full_rss_bytes,omitempty"` // max over runs
	DovecotFloor time.Duration   `json:"dovecot_cpu_floor_median_ns,omitempty"`
	DovecotSweep time.Duration   `json:"dovecot_cpu_sweep_median_ns,omitempty"`

	Incremental       []time.Duration `json:"incremental_ns,omitempty"`
	IncrementalMedian time.Duration   `json:"incremental_median_ns,omitempty"`
	IncrementalRSS    int64           `json:"incremental_rss_bytes,omitempty"`
	// IncrementalLines is what an incremental sweep printed: the pending
	// actions of earlier sweeps.
	IncrementalLines int `json:"incremental_lines,omitempty"`

	// Settled is the incremental sweep once `sweep --apply` has carried
	// out every pending action: the steady state of a scheduled sweep,
	// timed after MaildirQuiet and one untimed run.
	Settled       []time.Duration `json:"settled_ns,omitempty"`
	SettledMedian time.Duration   `json:"settled_median_ns,omitempty"`
	SettledRSS    int64           `json:"settled_rss_bytes,omitempty"`
	SettledLines  int             `json:"settled_lines,omitempty"`
	Apply         time.Duration   `json:"apply_ns,omitempty"`

	// SweepMeasured is false when the triage binary had no sweep
	// command or its first sweep failed (SweepError says how).
	SweepMeasured bool   `json:"sweep_measured"`
	SweepError    string `json:"sweep_error,omitempty"`
	// Error says why the measurements of this size stopped.
	Error string `json:"error,omitempty"`
}

// Run runs the whole benchmark.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.defaults()
	rep := &Report{Started: time.Now().UTC(), GoVersion: runtime.Version(), CPUs: runtime.NumCPU()}
	if !dovecottest.Available() {
		return nil, dovecottest.ErrNotInstalled
	}
	corpus, err := LoadCorpus(filepath.Join(o.Root, "internal", "inbox", "testdata"))
	if err != nil {
		return nil, err
	}
	for _, t := range corpus.Invitations {
		rep.Templates = append(rep.Templates, t.Path)
	}
	fmt.Fprintf(o.Log, "templates: %d invitations (%s), %d LinkedIn notices; %d fixtures left out\n",
		len(corpus.Invitations), strings.Join(rep.Templates, ", "), len(corpus.Notices), len(corpus.Skipped))

	work, err := os.MkdirTemp(o.TempDir, "triage-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	bin := o.Triage
	if bin == "" {
		fmt.Fprintf(o.Log, "building ./cmd/triage\n")
		if bin, err = BuildTriage(ctx, o.Root, work); err != nil {
			return nil, err
		}
	}
	rep.Triage = bin
	hasSweep := HasSweep(ctx, bin)
	if !hasSweep {
		fmt.Fprintf(o.Log, "warning: %v: measuring the floor only\n", ErrNoSweep)
	}

	for _, n := range o.Sizes {
		res, err := runSize(ctx, o, rep, corpus, bin, hasSweep, work, n)
		if err != nil {
			err = fmt.Errorf("%d messages: %w", n, err)
		}
		if res != nil {
			if err != nil {
				res.Error = err.Error()
			}
			rep.Sizes = append(rep.Sizes, res)
		}
		if err != nil {
			return rep, err
		}
	}
	var rss []int64
	for _, r := range rep.Sizes {
		if r.FullRSS > 0 {
			rss = append(rss, r.FullRSS)
		}
	}
	if len(rss) > 1 {
		rep.Flat = float64(slices.Max(rss)) / float64(slices.Min(rss))
	}
	return rep, nil
}

func runSize(ctx context.Context, o Options, rep *Report, corpus *Corpus, bin string, hasSweep bool, work string, n int) (*Result, error) {
	logf := func(format string, args ...any) {
		fmt.Fprintf(o.Log, "[%d] "+format+"\n", append([]any{n}, args...)...)
	}
	res := &Result{SweepMeasured: hasSweep}
	srv, err := dovecottest.Launch(o.TempDir, dovecottest.Options{})
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	if rep.Dovecot == "" {
		rep.Dovecot = dovecotVersion()
	}
	masterPID := readPID(filepath.Join(srv.Dir, "run", "master.pid"))

	logf("generating and loading %d messages", n)
	began := time.Now()
	var st Stats
	var genErr error
	if err := srv.BulkLoad(srv.User, "INBOX", Messages(Generate(corpus, DefaultSpec(n)), &st, &genErr)); err != nil {
		return nil, err
	}
	if genErr != nil {
		return nil, genErr
	}
	res.Load = time.Since(began)
	res.Messages, res.Invitations, res.Notices, res.MailboxBytes = st.Messages, st.Invitations(), st.ByKind[Notice], st.Bytes
	logf("loaded %d messages (%s, %d invitations, %d LinkedIn notices) in %v",
		st.Messages, mib(st.Bytes), res.Invitations, res.Notices, res.Load.Round(time.Millisecond))

	problem := func(format string, args ...any) {
		msg := fmt.Sprintf("%d messages: ", n) + fmt.Sprintf(format, args...)
		rep.Problems = append(rep.Problems, msg)
		logf("PROBLEM: %s", msg)
	}
	checkFull := func(run SweepRun, what string) {
		out := run.Out
		if out.Invitations != res.Invitations || out.Distinct != res.Invitations {
			problem("%s printed %d invitation lines (%d distinct), want %d; also %d not_invitation, %d error, %d other lines; samples: %s",
				what, out.Invitations, out.Distinct, res.Invitations, out.NotInvitations, out.Errors, out.Other, strings.Join(out.Samples, " || "))
		}
		if out.New != out.Invitations {
			problem("%s: %d of %d invitations are new, want all (fresh state)", what, out.New, out.Invitations)
		}
		if out.Errors != 0 {
			problem("%s printed %d error lines", what, out.Errors)
		}
	}
	newState := func(tag string) (string, error) {
		dir, err := os.MkdirTemp(work, tag+"-")
		if err != nil {
			return "", err
		}
		cfgDir := filepath.Join(dir, "cfg")
		if err := os.Mkdir(cfgDir, 0o700); err != nil {
			return "", err
		}
		return WriteConfig(cfgDir, SweepConfig{StateDir: filepath.Join(dir, "state"), Host: srv.Host, Port: srv.IMAPPort, User: srv.User})
	}

	// The subject list; the sweep's own trace cross-checks it and warms
	// Dovecot's cache up a first time.
	subjects := inbox.SearchSubjects()
	rep.SubjectsFrom = "inbox.SearchSubjects(), as the sweep"
	if len(o.Subjects) > 0 {
		subjects, rep.SubjectsFrom = o.Subjects, "the -subjects flag"
	}
	if hasSweep {
		logf("warm-up: sweep --all --debug (untimed), to check its search")
		cfg, err := newState("discover")
		if err != nil {
			return res, err
		}
		run, err := RunSweep(ctx, bin, cfg, srv.Password, true, "--all", "--debug")
		if err == nil {
			checkFull(run, "the warm-up sweep")
		} else {
			// Measure the floor all the same, and say why the sweep is not.
			problem("the first sweep failed: %v", err)
			hasSweep, res.SweepMeasured, res.SweepError = false, false, err.Error()
		}
		found, ok, err := SubjectsFromTrace(run.Stderr)
		switch {
		case !hasSweep:
		case err != nil:
			logf("warning: cannot read the sweep's search from its trace: %v", err)
		case !ok:
			problem("the sweep's --debug trace shows no candidate UID SEARCH")
		case !slices.Equal(found, subjects):
			problem("the sweep searches for %d subjects %q, the floor for %d %q", len(found), found, len(subjects), subjects)
		default:
			rep.SubjectsFrom += " (checked against the sweep's --debug trace)"
		}
	}
	rep.Subjects = subjects

	floorOpts := FloorOptions{Addr: srv.Addr(dovecottest.Plain), User: srv.User, Password: srv.Password, Subjects: subjects}
	logf("warm-up: floor (untimed)")
	fr, err := Floor(ctx, floorOpts)
	if err != nil {
		return res, err
	}
	res.Candidates, res.CandidateBytes = fr.Candidates, fr.Bytes
	if want := res.Invitations + res.Notices; fr.Candidates != want {
		problem("the search found %d candidates, want %d (every invitation and LinkedIn notice, nothing else)", fr.Candidates, want)
	}

	// Timed: floor and full sweep alternate, so that drift hits both.
	var floorCPU, dcFloor, dcSweep, user, sys []time.Duration
	var lastCfg string
	runs := max(o.FloorRuns, o.SweepRuns)
	for i := range runs {
		if i < o.FloorRuns {
			c0, d0 := selfCPU(), dovecotCPU(masterPID)
			fr, err := Floor(ctx, floorOpts)
			if err != nil {
				return res, err
			}
			settle()
			floorCPU = append(floorCPU, selfCPU()-c0)
			dcFloor = append(dcFloor, dovecotCPU(masterPID)-d0)
			res.Floor = append(res.Floor, fr.Elapsed)
			logf("floor %d: %v (%d messages, %s)", i+1, fr.Elapsed.Round(time.Millisecond), fr.Fetched, mib(fr.Bytes))
		}
		if hasSweep && i < o.SweepRuns {
			cfg, err := newState("full")
			if err != nil {
				return res, err
			}
			d0 := dovecotCPU(masterPID)
			run, err := RunSweep(ctx, bin, cfg, srv.Password, false, "--all")
			if err != nil {
				return res, err
			}
			settle()
			dcSweep = append(dcSweep, dovecotCPU(masterPID)-d0)
			checkFull(run, fmt.Sprintf("full sweep %d", i+1))
			res.Sweep = append(res.Sweep, run.Elapsed)
			user, sys = append(user, run.User), append(sys, run.Sys)
			lastCfg = cfg
			logf("sweep %d: %v, cpu %v user %v sys, %d invitation lines", i+1,
				run.Elapsed.Round(time.Millisecond), run.User.Round(time.Millisecond), run.Sys.Round(time.Millisecond), run.Out.Invitations)
		}
	}
	res.FloorMedian, res.FloorCPU, res.DovecotFloor = median(res.Floor), median(floorCPU), median(dcFloor)
	if !hasSweep {
		return res, nil
	}
	res.SweepMedian, res.SweepUser, res.SweepSys, res.DovecotSweep = median(res.Sweep), median(user), median(sys), median(dcSweep)
	// Peak RSS: one more full sweep, with a fresh state, under GNU time.
	{
		cfg, err := newState("rss")
		if err != nil {
			return res, err
		}
		if res.FullRSS, err = MeasureRSS(ctx, bin, cfg, srv.Password, "--all"); err != nil {
			return res, err
		}
		logf("full sweep peak RSS %s", mib(res.FullRSS))
	}
	res.Ratio = float64(res.SweepMedian) / float64(res.FloorMedian)

	// Incremental: the state of the last full sweep, nothing new.
	logf("incremental: 1 untimed + %d timed", o.IncrementalRuns)
	for i := range o.IncrementalRuns + 1 {
		run, err := RunSweep(ctx, bin, lastCfg, srv.Password, false)
		if err != nil {
			return res, err
		}
		if run.Out.New != 0 || run.Out.Errors != 0 {
			problem("incremental sweep %d printed %d new invitations and %d errors, want none", i, run.Out.New, run.Out.Errors)
		}
		if i == 0 {
			continue
		}
		res.Incremental = append(res.Incremental, run.Elapsed)
		res.IncrementalLines = run.Out.Lines
	}
	res.IncrementalMedian = median(res.Incremental)
	if res.IncrementalRSS, err = MeasureRSS(ctx, bin, lastCfg, srv.Password); err != nil {
		return res, err
	}
	logf("incremental: median %v, peak RSS %s, %d lines each", res.IncrementalMedian.Round(100*time.Microsecond), mib(res.IncrementalRSS), res.IncrementalLines)

	// Settled: apply every pending action once, then nothing is pending.
	run, err := RunSweep(ctx, bin, lastCfg, srv.Password, false, "--apply")
	if err != nil {
		problem("sweep --apply failed: %v", err)
		return res, nil
	}
	res.Apply = run.Elapsed
	logf("sweep --apply: %v (%d lines); settled: %v pause, 1 untimed + %d timed",
		run.Elapsed.Round(time.Millisecond), run.Out.Lines, MaildirQuiet, o.IncrementalRuns)
	// The apply renamed a file in cur/ per keyword set: let Dovecot trust
	// the directory again, as it would by the next scheduled sweep.
	if err := sleepCtx(ctx, MaildirQuiet); err != nil {
		return res, err
	}
	for i := range o.IncrementalRuns + 1 {
		run, err := RunSweep(ctx, bin, lastCfg, srv.Password, false)
		if err != nil {
			return res, err
		}
		if run.Out.New != 0 || run.Out.Errors != 0 {
			problem("settled sweep %d printed %d new invitations and %d errors, want none", i, run.Out.New, run.Out.Errors)
		}
		if i == 0 {
			continue // the warm-up: Dovecot rescans cur/ once and records it
		}
		res.Settled = append(res.Settled, run.Elapsed)
		res.SettledLines = run.Out.Lines
	}
	res.SettledMedian = median(res.Settled)
	if res.SettledRSS, err = MeasureRSS(ctx, bin, lastCfg, srv.Password); err != nil {
		return res, err
	}
	logf("settled: median %v, peak RSS %s, %d lines each", res.SettledMedian.Round(100*time.Microsecond), mib(res.SettledRSS), res.SettledLines)
	return res, nil
}

// MaildirQuiet is how long a benchmark leaves a mailbox alone after
// changing it (sweep --apply sets keywords, which renames files in the
// Maildir's cur/) before timing sweeps of it. Until a sync comes at least
// MAILDIR_SYNC_SECS (1 s, compared in whole seconds) after the
// directory's last change, Dovecot cannot trust cur/'s mtime and rescans
// the whole directory on every SELECT: about 50 ms for 20,000 messages,
// which a settled sweep started at once pays every time, and which no
// sweep scheduled minutes apart ever meets.
const MaildirQuiet = 2 * time.Second

// sleepCtx sleeps for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// settle lets Dovecot's master reap the session's imap process, so that
// its CPU time is counted.
func settle() { time.Sleep(100 * time.Millisecond) }

func dovecotCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	d, _ := groupCPU(pid)
	return d
}

func readPID(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func dovecotVersion() string {
	for _, p := range []string{"dovecot", "/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
		if out, err := exec.Command(p, "--version").Output(); err == nil {
			return strings.TrimSpace(string(out))
		}
	}
	return "(unknown version)"
}
