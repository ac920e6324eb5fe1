package main

import (
	"context"
	"errors"
	"io"
	"iter"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/report"
)

// explainOptions is what `triage explain` was asked to do.
type explainOptions struct {
	Config string // --config; empty: the usual search
	JSON   bool
	Paths  []string
}

func explainCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "score invitation emails from files and explain every point",
		ArgsUsage: "PATH...",
		Description: "PATH is an .eml file, a Maildir folder or an mbox file (such as a Google Takeout export).\n" +
			"Flags may come before or after the paths.",
		Flags: []cli.Flag{
			configFlag(),
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object per line for scripts"},
		},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			opts := explainOptions{Config: c.String("config"), JSON: c.Bool("json"), Paths: c.Args().Slice()}
			return runExplain(c.Context, opts, stdout, stderr)
		},
	}
}

func runExplain(ctx context.Context, opts explainOptions, stdout, stderr io.Writer) error {
	if len(opts.Paths) == 0 {
		return usageErrorf("explain needs at least one PATH (an .eml file, a Maildir folder or an mbox file)")
	}
	for _, p := range opts.Paths {
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return usageErrorf("%s: no such file or directory", p)
			}
			return usageError{err}
		}
	}
	s, err := setup(opts.Config, stderr)
	if err != nil {
		return err
	}
	return explain(ctx, concat(opts.Paths), s, opts.JSON, stdout, stderr)
}

// concat yields the messages of every path in turn.
func concat(paths []string) iter.Seq2[inbox.Raw, error] {
	return func(yield func(inbox.Raw, error) bool) {
		for _, p := range paths {
			for raw, err := range inbox.Read(p) {
				if !yield(raw, err) {
					return
				}
			}
		}
	}
}

// explain runs the pipeline over msgs and prints the records; unreadable
// messages make it return a partialError once every message was handled.
func explain(ctx context.Context, msgs iter.Seq2[inbox.Raw, error], s *setupResult, asJSON bool, stdout, stderr io.Writer) error {
	var w report.Writer = report.NewHuman(stdout, stderr)
	if asJSON {
		w = report.NewJSON(stdout)
	}
	tally, err := report.Explain(ctx, msgs, s.policy, s.drafter, w)
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if tally.Errors > 0 {
		return partialError{unreadable: tally.Errors}
	}
	return nil
}
