package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/triagehq/triage/internal/config"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
	"github.com/triagehq/triage/internal/sweep"
)

// sweepOptions is what `triage sweep` was asked to do.
type sweepOptions struct {
	Config  string // --config; empty: the usual search
	Account string // --account; empty: the first
	JSON    bool
	Apply   bool
	All     bool
	Since   time.Time // zero: no limit
	Verbose bool
	Debug   bool
}

func sweepCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "sweep",
		Usage: "find new LinkedIn invitations in an IMAP mailbox, decide them and, with --apply, file them",
		Description: "A sweep searches the account's mailbox for LinkedIn notification emails it has not\n" +
			"handled yet, fetches them without marking them read, and prints each invitation\n" +
			"with its verdict and the actions --apply takes (keywords by default; see\n" +
			"[actions.*] in config.example.toml). Without --apply nothing in the mailbox\n" +
			"changes; --apply carries out every pending action, earlier dry runs' included.\n" +
			"Exit codes: 0 ok, 1 usage or config error, 2 cannot connect or log in,\n" +
			"3 some messages could not be read, 4 another sweep of the account is running.",
		Flags: []cli.Flag{
			configFlag(),
			&cli.StringFlag{Name: "account", Aliases: []string{"a"}, Usage: "sweep the [[account]] named `NAME` (default: the first)"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per line for scripts"},
			&cli.BoolFlag{Name: "apply", Usage: "carry out the pending actions (without it, nothing in the mailbox changes)"},
			&cli.StringFlag{Name: "since", Usage: "only messages received on or after `YYYY-MM-DD`"},
			&cli.BoolFlag{Name: "all", Usage: "rescan the whole mailbox, not only mail that arrived since the last sweep"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log what the sweep does on stderr"},
			&cli.BoolFlag{Name: "debug", Usage: "trace IMAP commands and responses on stderr (never passwords, tokens or message contents)"},
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("sweep takes no arguments (got %q)", c.Args().First())
			}
			opts := sweepOptions{
				Config: c.String("config"), Account: c.String("account"),
				JSON: c.Bool("json"), Apply: c.Bool("apply"), All: c.Bool("all"),
				Verbose: c.Bool("verbose"), Debug: c.Bool("debug"),
			}
			if s := c.String("since"); s != "" {
				t, err := time.ParseInLocation("2006-01-02", s, time.Local)
				if err != nil {
					return usageErrorf("--since %q: want a date as YYYY-MM-DD", s)
				}
				opts.Since = t
			}
			return runSweep(c.Context, opts, stdout, stderr)
		},
	}
}

func runSweep(ctx context.Context, opts sweepOptions, stdout, stderr io.Writer) (err error) {
	limitMemory()
	progress := !opts.JSON && isTerminal(stderr)
	// A pipe or file gets the output in large writes (one write per
	// invitation costs a system call each: tens of milliseconds on a long
	// listing); a terminal sees each invitation as it is decided.
	if !isTerminal(stdout) {
		out := &bufferedOut{bw: bufio.NewWriterSize(stdout, 64<<10)}
		defer func() {
			if ferr := out.Flush(); err == nil && ferr != nil {
				err = fmt.Errorf("writing the output: %w", ferr)
			}
		}()
		stdout, stderr = out, flushFirst{w: stderr, out: out}
	}
	s, err := setup(opts.Config, stderr)
	if err != nil {
		return err
	}
	acct, err := pickAccount(s, opts.Account)
	if err != nil {
		return err
	}
	dir, err := stateDir(s.file)
	if err != nil {
		return err
	}
	o := sweep.Options{
		Account:  acct,
		Policy:   s.policy,
		Drafter:  s.drafter,
		Actions:  s.file.Actions,
		StoreDir: dir,
		Apply:    opts.Apply,
		All:      opts.All,
		Since:    opts.Since,
		Logger:   newLogger(stderr, opts.Verbose, opts.Debug),
	}
	if opts.Debug {
		o.Trace = stderr
	}
	if progress {
		o.Progress = stderr
	}
	out := &paragraphs{w: stdout}
	sum, err := sweepAndPrint(ctx, o, opts.JSON, carriedHeading, out, stdout, stderr)
	if err != nil {
		return err
	}
	if !opts.Apply && !opts.JSON {
		if err := out.write(dryRunNote(sum, applyCommand(opts))); err != nil {
			return err
		}
	}
	printSummary(stderr, acct, sum, opts.Apply)
	if len(sum.KeywordsRefused) > 0 {
		fmt.Fprintf(stderr, "triage: warning: %s/%s does not accept the keywords %s (its PERMANENTFLAGS do not allow them): those actions are left out; file invitations with move_to or copy_to in [actions] instead\n",
			acct.Name, acct.Mailbox, strings.Join(sum.KeywordsRefused, ", "))
	}
	if !opts.Apply && opts.JSON {
		fmt.Fprintf(stderr, "triage: hint: %s\n", dryRunNote(sum, applyCommand(opts)))
	}
	return sweepOutcome(acct, sum, stderr)
}

// sweepOutcome reports the actions that failed, one line each, and
// returns the error the sweep ends with: a config error when the config
// asks this server for moves it cannot make (every later run would fail
// the same way), a partial one when messages could not be read or
// actions failed, else nil.
func sweepOutcome(acct inbox.Account, sum sweep.Summary, stderr io.Writer) error {
	cannotMove := false
	for _, err := range sum.Failures {
		fmt.Fprintf(stderr, "triage: error: %v\n", err)
		cannotMove = cannotMove || errors.Is(err, inbox.ErrCannotMove)
	}
	if n := sum.Failed - len(sum.Failures); n > 0 {
		fmt.Fprintf(stderr, "triage: error: the actions of %d more invitations failed (--verbose shows them)\n", n)
	}
	if cannotMove {
		return configError{fmt.Errorf("account %q: its server has neither MOVE nor UIDPLUS, so triage cannot move messages there: the invitations to move stay pending; use keyword or copy_to instead of move_to in [actions]", acct.Name)}
	}
	if sum.Errors > 0 || sum.Failed > 0 {
		return partialError{unreadable: sum.Errors, failed: sum.Failed}
	}
	return nil
}

// sweepMemoryLimit is the soft limit on the Go heap of a sweep: the
// runtime collects more often as it nears it, so a sweep's memory stays
// flat and small whatever the mailbox size (a sweep holds about 10-20 MiB
// live). Below it, collections are rare (sweepGCPercent): a short sweep
// spends its few milliseconds on the mail, not on collecting.
const (
	sweepMemoryLimit = 40 << 20
	sweepGCPercent   = 400
)

// limitMemory sets sweepMemoryLimit and sweepGCPercent, unless GOMEMLIMIT
// or GOGC say otherwise.
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(sweepMemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(sweepGCPercent)
	}
}

// bufferedOut is standard output buffered, safe for concurrent use: the
// --debug trace writes to standard error (and so flushes this) from the
// connection's goroutines while the sweep writes its output.
type bufferedOut struct {
	mu sync.Mutex
	bw *bufio.Writer
}

func (b *bufferedOut) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bw.Write(p)
}

// Flush writes out what is buffered.
func (b *bufferedOut) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.bw.Flush()
}

// flushFirst writes to w after flushing out, so that what goes to
// standard error (warnings, the summary, --verbose logs, the --debug trace)
// keeps its place among buffered standard output when both go to one
// file, as from cron.
type flushFirst struct {
	w   io.Writer
	out *bufferedOut
}

func (f flushFirst) Write(p []byte) (int, error) {
	f.out.mu.Lock()
	defer f.out.mu.Unlock()
	if err := f.out.bw.Flush(); err != nil {
		return 0, err
	}
	return f.w.Write(p)
}

// pickAccount returns the account named name, or the first one, with its
// defaults filled in.
func pickAccount(s *setupResult, name string) (inbox.Account, error) {
	accts := s.file.Accounts
	if len(accts) == 0 {
		if s.path == "" {
			return inbox.Account{}, configError{fmt.Errorf("no config file, so no IMAP account: write one with an [[account]] table " +
				"(see config.example.toml) and pass it with --config FILE or $TRIAGE_CONFIG, or put it in your user config dir as triage/config.toml")}
		}
		return inbox.Account{}, configError{fmt.Errorf("%s: no IMAP account: add an [[account]] table (see config.example.toml)", s.path)}
	}
	if name == "" {
		return accts[0].WithDefaults(), nil
	}
	var names []string
	for _, a := range accts {
		if a.Name == name {
			return a.WithDefaults(), nil
		}
		names = append(names, fmt.Sprintf("%q", a.Name))
	}
	return inbox.Account{}, configError{fmt.Errorf("%s: no account named %q; the accounts are %s", displayPath(s.path), name, strings.Join(names, ", "))}
}

// stateDir is the config's state_dir (made absolute by config.Load), else
// the default state directory.
func stateDir(f *config.File) (string, error) {
	if f.StateDir != "" {
		return f.StateDir, nil
	}
	dir, err := state.DefaultDir()
	if err != nil {
		return "", configError{fmt.Errorf("state directory: %w (set state_dir in the config)", err)}
	}
	return dir, nil
}

// newLogger logs to stderr with --verbose (Info) or --debug (Debug), and
// discards otherwise.
func newLogger(stderr io.Writer, verbose, debug bool) *slog.Logger {
	switch {
	case debug:
		return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	case verbose:
		return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.DiscardHandler)
}

// isTerminal reports whether w is a terminal, for progress output.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// sweepAndPrint runs one sweep and prints what it emits, as JSON lines to
// stdout, or for people to out; heading is what the human form prints
// before the first invitation carried over from an earlier sweep.
func sweepAndPrint(ctx context.Context, o sweep.Options, asJSON bool, heading string, out *paragraphs, stdout, stderr io.Writer) (sweep.Summary, error) {
	var p sweepPrinter = &humanSweep{out: out, diag: stderr, apply: o.Apply, heading: heading}
	if asJSON {
		p = jsonSweep{report.NewJSON(stdout)}
		o.JSONLines = stdout
	}
	sum, err := sweep.Run(ctx, o, p.write)
	if err != nil {
		return sum, err
	}
	return sum, p.close()
}

// carriedHeading introduces the invitations of earlier sweeps whose
// actions are still pending (or were applied by this one), and the
// reminders of recorded invitations, filed as their invitations are.
const carriedHeading = "From earlier sweeps, and reminders:"

type sweepPrinter interface {
	write(e report.Entry) error
	close() error
}

type jsonSweep struct{ w *report.JSON }

func (j jsonSweep) write(e report.Entry) error { return j.w.Write(e) }
func (j jsonSweep) close() error               { return nil }

// paragraphs writes blocks of text separated by one blank line, with none
// after the last.
// The first write error sticks: later writes do nothing and return it.
type paragraphs struct {
	w     io.Writer
	wrote bool
	err   error
}

func (p *paragraphs) write(s string) error {
	s = strings.TrimRight(s, "\n")
	if s == "" || p.err != nil {
		return p.err
	}
	if p.wrote {
		s = "\n" + s
	}
	p.wrote = true
	_, p.err = io.WriteString(p.w, s+"\n")
	return p.err
}

// humanSweep prints a sweep for people: a block per invitation this sweep
// decided, ending with its actions ("would: keyword $Triage_clarify" in a
// dry run, "done: ..." once applied), a line per message that is not an
// invitation, a tally of those, then a short entry per invitation carried
// over from an earlier sweep and per reminder to file.
type humanSweep struct {
	out     *paragraphs
	diag    io.Writer
	apply   bool
	heading string
	buf     bytes.Buffer
	block   *report.Human // formats this sweep's records and counts them
	fresh   int           // records of this sweep written
	carried bool          // a carried-over invitation was written
	tallied bool
}

func (h *humanSweep) write(e report.Entry) error {
	if h.block == nil {
		h.block = report.NewHuman(&h.buf, h.diag)
	}
	if e.New != nil && !*e.New && e.Kind == report.KindInvitation && e.Assessment != nil {
		return h.writeCarried(e)
	}
	h.fresh++
	h.buf.Reset()
	actions := e.Actions
	e.Actions = nil // printed below, one line each
	if err := h.block.Write(e); err != nil {
		return err
	}
	if len(actions) > 0 && h.buf.Len() > 0 {
		// The action lines end the block.
		b := bytes.TrimRight(h.buf.Bytes(), "\n")
		h.buf.Truncate(len(b))
		h.buf.WriteString("\n")
		e.Actions = actions
		writeActions(&h.buf, e, h.apply)
	}
	return h.out.write(h.buf.String())
}

func (h *humanSweep) writeCarried(e report.Entry) error {
	if err := h.tally(); err != nil {
		return err
	}
	if !h.carried {
		h.carried = true
		if err := h.out.write(h.heading); err != nil {
			return err
		}
	}
	var b strings.Builder
	a := e.Assessment
	name := a.Inviter.Name
	if name == "" {
		name = "(name unknown)"
	}
	fmt.Fprintf(&b, "%s · %s · score %d", name, a.Verdict, a.Score)
	if a.Reminder {
		b.WriteString(" · reminder")
	}
	b.WriteString("\n")
	writeActions(&b, e, h.apply)
	fmt.Fprintf(&b, "  Source: %s\n", e.Source)
	return h.out.write(b.String())
}

// tally prints the counts of this sweep's records, once, if there were any.
func (h *humanSweep) tally() error {
	if h.fresh == 0 || h.tallied {
		return nil
	}
	h.tallied = true
	h.buf.Reset()
	if err := h.block.Close(); err != nil {
		return err
	}
	return h.out.write(h.buf.String())
}

func (h *humanSweep) close() error { return h.tally() }

// writeActions writes one line per action: "would:" before it is carried
// out, "done:" after.
func writeActions(w io.Writer, e report.Entry, apply bool) {
	verb := "would"
	if e.Applied != nil && *e.Applied {
		verb = "done"
	} else if apply {
		verb = "not done"
	}
	for _, a := range e.Actions {
		fmt.Fprintf(w, "  %s: %s\n", verb, a)
	}
}

// printSummary writes the sweep's counts as one line on stderr.
func printSummary(stderr io.Writer, a inbox.Account, s sweep.Summary, apply bool) {
	parts := []string{
		plural(s.Candidates, "candidate", "candidates"),
		fmt.Sprintf("%d new", s.New),
	}
	if s.Reminders > 0 {
		parts = append(parts, plural(s.Reminders, "reminder", "reminders"))
	}
	if s.NotInvitations > 0 {
		parts = append(parts, fmt.Sprintf("%d not invitations", s.NotInvitations))
	}
	if s.Errors > 0 {
		parts = append(parts, fmt.Sprintf("%d unreadable", s.Errors))
	}
	if s.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", s.Failed))
	}
	parts = append(parts, fmt.Sprintf("%d pending", s.Pending))
	if apply || s.Applied > 0 {
		parts = append(parts, fmt.Sprintf("%d applied", s.Applied))
	}
	if s.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped (message gone)", s.Skipped))
	}
	fmt.Fprintf(stderr, "triage: sweep %s/%s: %s\n", a.Name, a.Mailbox, strings.Join(parts, ", "))
}

// dryRunNote says that a dry run changed nothing, and how to apply.
func dryRunNote(s sweep.Summary, applyCmd string) string {
	// Pending counts invitations and the reminders filed as theirs.
	switch s.Pending {
	case 0:
		return "Dry run: nothing in the mailbox was changed, and no action is pending."
	case 1:
		return fmt.Sprintf("Dry run: nothing in the mailbox was changed. 1 invitation or reminder has actions pending; to carry out the actions listed: %s", applyCmd)
	}
	return fmt.Sprintf("Dry run: nothing in the mailbox was changed. %d invitations and reminders have actions pending; to carry out the actions listed: %s", s.Pending, applyCmd)
}

// applyCommand is the command line that applies what opts showed.
func applyCommand(opts sweepOptions) string {
	args := []string{"triage", "sweep"}
	if opts.Config != "" {
		args = append(args, "--config", shellWord(opts.Config))
	}
	if opts.Account != "" {
		args = append(args, "--account", shellWord(opts.Account))
	}
	return strings.Join(append(args, "--apply"), " ")
}

// shellWord quotes s for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || slices.Contains([]rune("/._-+=:@,"), r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
