// Command triage triages LinkedIn invitation notification emails: it scores
// each inviter against an acceptance policy, suggests accept, ignore or
// clarify with the reason behind every point, and drafts clarification
// replies.
//
// This package only wires flags and config into options and calls into the
// internal packages; exit codes are mapped in one place (exitCode).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, reorderArgs(app, args))
	return exitCode(ctx, err, stderr)
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "triage",
		Usage:     "triage LinkedIn invitation emails against your acceptance policy",
		Version:   version(),
		Writer:    stdout,
		ErrWriter: stderr,
		// Errors come back from RunContext and are mapped to exit codes
		// by exitCode; cli must not exit on its own.
		ExitErrHandler:  func(*cli.Context, error) {},
		OnUsageError:    onUsageError,
		HideHelpCommand: true,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("unknown command %q (see triage --help)", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
		Commands: []*cli.Command{
			explainCommand(stdout, stderr),
			sweepCommand(stdout, stderr),
			accountsCommand(stdout, stderr),
			demoCommand(stdout, stderr),
			policyCommand(stdout, stderr),
			versionCommand(stdout),
		},
	}
	return app
}

// onUsageError reports a flag error, pointing at the command's help.
func onUsageError(c *cli.Context, err error, _ bool) error {
	name := "triage"
	if c != nil && c.Command != nil && c.Command.Name != "" {
		name = c.Command.HelpName
	}
	return usageErrorf("%w (see %s --help)", err, name)
}

// configFlag is --config, shared by the commands that read the config.
func configFlag() *cli.StringFlag {
	return &cli.StringFlag{
		Name:    "config",
		Aliases: []string{"c"},
		Usage:   "read the config from `FILE` (default: $TRIAGE_CONFIG, else the user config dir's triage/config.toml)",
	}
}

// reorderArgs moves the flags of the command being run in front of its
// positional arguments, so "triage explain a.eml --json" works: urfave/cli
// v2 stops reading flags at the first positional argument. It knows which
// flags take a value from the command's flag definitions. Arguments after
// "--" stay positional.
func reorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]
	cmds := app.Commands
	var leaf *cli.Command
	for len(rest) > 0 && leaf == nil {
		if strings.HasPrefix(rest[0], "-") {
			// A flag of the app or a parent command: only booleans
			// (--help, --version) exist at these levels.
			out = append(out, rest[0])
			rest = rest[1:]
			continue
		}
		var cmd *cli.Command
		for _, c := range cmds {
			if c.HasName(rest[0]) {
				cmd = c
			}
		}
		if cmd == nil {
			break
		}
		out = append(out, rest[0])
		rest = rest[1:]
		if len(cmd.Subcommands) == 0 {
			leaf = cmd
		}
		cmds = cmd.Subcommands
	}
	if leaf == nil {
		return append(out, rest...)
	}
	var flags, positional []string
	dashdash := false
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			dashdash = true
			positional = append(positional, rest[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		// One or two dashes, as the flag package accepts; "---x" is no
		// flag of ours and takes no value.
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if !strings.HasPrefix(name, "-") && !strings.Contains(name, "=") && takesValue(leaf, name) && i+1 < len(rest) {
			flags = append(flags, rest[i+1])
			i++
		}
	}
	out = append(out, flags...)
	if dashdash {
		out = append(out, "--")
	}
	return append(out, positional...)
}

func takesValue(cmd *cli.Command, name string) bool {
	for _, f := range cmd.Flags {
		for _, n := range f.Names() {
			if n == name {
				v, ok := f.(cli.DocGenerationFlag)
				return ok && v.TakesValue()
			}
		}
	}
	return false
}

// printErr writes err to stderr as "triage: error: ...", one line per
// joined error.
func printErr(stderr io.Writer, err error) {
	for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
		fmt.Fprintf(stderr, "triage: error: %s\n", line)
	}
}
