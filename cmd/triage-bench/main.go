// Command triage-bench measures `triage sweep` against a throw-away Dovecot
// (issue 3's performance targets): full sweep against the floor of a
// minimal IMAP client, incremental sweep, and peak RSS, for each mailbox
// size. Run it from the module root:
//
//	go run ./cmd/triage-bench [-sizes 20000,100000] [-json]
//
// It needs dovecot-imapd and several GB of temporary disk space for
// 100,000 messages. The exit code is 0 when every target is met, 1 when
// one is missed or a check failed, 2 when the benchmark could not run.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/triagehq/triage/internal/benchmark"
)

func main() {
	os.Exit(run())
}

func run() int {
	sizes := flag.String("sizes", "20000,100000", "mailbox sizes in messages, comma-separated")
	asJSON := flag.Bool("json", false, "print the report as JSON")
	subjects := flag.String("subjects", "", "subject substrings for the floor's search, separated by |\n(default: inbox.SearchSubjects(), as the sweep)")
	triage := flag.String("triage", "", "measure this triage binary instead of building ./cmd/triage")
	tmp := flag.String("tmp", "", "directory for Dovecot and state (default: the system's temporary directory)")
	floorRuns := flag.Int("floor-runs", 3, "timed floor runs")
	sweepRuns := flag.Int("sweep-runs", 3, "timed full sweeps")
	incRuns := flag.Int("incremental-runs", 10, "timed incremental sweeps")
	flag.Parse()

	opts := benchmark.Options{FloorRuns: *floorRuns, SweepRuns: *sweepRuns, IncrementalRuns: *incRuns, TempDir: *tmp, Triage: *triage, Log: os.Stderr}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 10 {
			fmt.Fprintf(os.Stderr, "triage-bench: error: -sizes: %q is not a size of at least 10 messages\n", s)
			return 2
		}
		opts.Sizes = append(opts.Sizes, n)
	}
	if *subjects != "" {
		opts.Subjects = strings.Split(*subjects, "|")
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintf(os.Stderr, "triage-bench: error: %v\n", err)
		return 2
	}
	opts.Root = root

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := benchmark.Run(ctx, opts)
	if rep != nil {
		if *asJSON {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			enc.Encode(rep)
		} else {
			rep.WriteTable(os.Stdout)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "triage-bench: error: %v\n", err)
		return 2
	}
	if !rep.Passed() {
		return 1
	}
	return 0
}

// moduleRoot finds the triage module's root from the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(data), "module github.com/triagehq/triage\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run triage-bench inside the triage module (no go.mod of github.com/triagehq/triage above the working directory)")
		}
		dir = parent
	}
}
