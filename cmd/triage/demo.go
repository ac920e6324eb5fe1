package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/triagehq/triage/internal/demo"
	"github.com/triagehq/triage/internal/sweep"
)

// demoOptions is what `triage demo` was asked to do.
type demoOptions struct {
	JSON bool
}

func demoCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "sweep a local IMAP server holding built-in sample invitations, with the example policy",
		Description: "The demo needs no account and no config. It starts an IMAP server inside triage,\n" +
			"on a loopback port, whose INBOX holds the sample LinkedIn emails embedded in triage\n" +
			"and some ordinary mail, and runs two real dry-run sweeps against it with\n" +
			"config.example.toml's policy and actions, for a demo user: the first decides every\n" +
			"invitation, the second finds nothing new and lists what `triage sweep --apply`\n" +
			"would do. The server and its temporary state directory are gone when it ends.\n" +
			"With --json, both sweeps print their JSON lines, one after the other.",
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

func runDemo(ctx context.Context, opts demoOptions, stdout, stderr io.Writer) (err error) {
	f, err := demo.Config()
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	s, err := build(f)
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	srv, err := demo.StartServer()
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, srv.Close()) }()
	dir, err := os.MkdirTemp("", "triage-demo-")
	if err != nil {
		return fmt.Errorf("demo state directory: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil {
			err = errors.Join(err, fmt.Errorf("demo state directory: %w", rerr))
		}
	}()

	o := sweep.Options{
		Account:  srv.Account(),
		Policy:   s.policy,
		Drafter:  s.drafter,
		Actions:  f.Actions,
		StoreDir: dir,
		Logger:   slog.New(slog.DiscardHandler),
	}
	if !opts.JSON && isTerminal(stderr) {
		o.Progress = stderr
	}
	a := o.Account
	out := &paragraphs{w: stdout}
	if !opts.JSON {
		out.write(fmt.Sprintf("Demo: a local IMAP server, run by triage on a loopback port, holds %d messages\n"+
			"for %s: the %d sample LinkedIn emails and %d ordinary ones. A sweep\n"+
			"searches the mailbox, fetches the candidates without marking them read, and\n"+
			"decides each invitation with the example policy. It is a dry run: nothing\n"+
			"changes.",
			srv.Messages(), f.Me.Name, demo.Count(), srv.Messages()-demo.Count()))
	}
	sum, err := sweepAndPrint(ctx, o, opts.JSON, carriedHeading, out, stdout, stderr)
	if err != nil {
		return err
	}
	if opts.JSON {
		printSummary(stderr, a, sum, false)
	}

	if !opts.JSON {
		out.write("A second sweep finds no new mail, so it decides nothing again. It lists the\n" +
			"pending actions, exactly as `triage sweep --apply` would take them:")
	}
	sum, err = sweepAndPrint(ctx, o, opts.JSON, "", out, stdout, stderr)
	if err != nil {
		return err
	}
	if opts.JSON {
		printSummary(stderr, a, sum, false)
	}
	if !opts.JSON {
		out.write(fmt.Sprintf("Both sweeps were dry runs: nothing in the mailbox was changed. On your own\n"+
			"mailbox, `triage sweep --apply` carries out the actions of these %d pending\n"+
			"invitations.", sum.Pending))
		fmt.Fprintln(stderr, "triage: hint: try it on your own mail: add an [[account]] to your config (see config.example.toml),")
		fmt.Fprintln(stderr, "triage: hint: then run triage accounts test, and triage sweep; or run triage explain on .eml, Maildir or mbox files")
	}
	if out.err != nil {
		return out.err
	}
	if sum.Errors > 0 {
		return partialError{unreadable: sum.Errors}
	}
	return nil
}
