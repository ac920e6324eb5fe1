package main

import (
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/triagehq/triage/internal/demo"
)

// demoOptions is what `triage demo` was asked to do.
type demoOptions struct {
	JSON bool
}

func demoCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run triage on built-in sample invitations, with the example policy",
		Description: "The demo needs no account and no config: it scores the sample invitations\n" +
			"embedded in triage with config.example.toml's policy, for a demo user.",
		Flags:        []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print one JSON object per line for scripts"}},
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("demo takes no arguments")
			}
			return runDemo(c.Context, demoOptions{JSON: c.Bool("json")}, stdout, stderr)
		},
	}
}

func runDemo(ctx context.Context, opts demoOptions, stdout, stderr io.Writer) error {
	f, err := demo.Config()
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	s, err := build(f)
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	if !opts.JSON {
		fmt.Fprintf(stdout, "Demo: %d sample emails to %s, scored with the example policy.\n\n", demo.Count(), f.Me.Name)
	}
	if err := explain(ctx, demo.Messages(), s, opts.JSON, stdout, stderr); err != nil {
		return err
	}
	if !opts.JSON {
		fmt.Fprintln(stderr, "hint: try it on your own mail: triage explain path/to/message.eml (or a Maildir folder or an mbox file)")
	}
	return nil
}
