package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// policyCheckOptions is what `triage policy check` was asked to do.
type policyCheckOptions struct {
	Config string
}

func policyCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:         "policy",
		Usage:        "work with the acceptance policy",
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("unknown policy command %q (try triage policy check)", c.Args().First())
			}
			return cli.ShowSubcommandHelp(c)
		},
		Subcommands: []*cli.Command{{
			Name:         "check",
			Usage:        "validate the config and summarise the policy",
			Flags:        []cli.Flag{configFlag()},
			OnUsageError: onUsageError,
			Action: func(c *cli.Context) error {
				if c.NArg() > 0 {
					return usageErrorf("policy check takes no arguments (use --config FILE)")
				}
				return runPolicyCheck(c.Context, policyCheckOptions{Config: c.String("config")}, stdout, stderr)
			},
		}},
	}
}

func runPolicyCheck(_ context.Context, opts policyCheckOptions, stdout, stderr io.Writer) error {
	s, err := setup(opts.Config, stderr)
	if err != nil {
		return err
	}
	f := s.file
	fmt.Fprintf(stdout, "Config: %s: ok\n\n", displayPath(s.path))
	me := f.Me.Name
	if me == "" {
		me = "(no [me] name)"
	}
	if f.Me.Role != "" {
		me += ", " + f.Me.Role
	}
	fmt.Fprintf(stdout, "me: %s; companies %s; schools %s; topics %s; locations %s\n",
		me, list(f.Me.Companies), list(f.Me.Schools), list(f.Me.Topics), list(f.Me.Locations))
	fmt.Fprintln(stdout, s.policy.Summary())
	reply := "built-in subject and template"
	if strings.TrimSpace(f.Reply.Template) != "" || strings.TrimSpace(f.Reply.Subject) != "" {
		reply = "custom subject or template (checked for every kind of doubt)"
	}
	fmt.Fprintf(stdout, "reply: %s\n", reply)
	var accounts []string
	for _, a := range f.Accounts {
		accounts = append(accounts, fmt.Sprintf("%s (%s)", a.Name, a.Host))
	}
	fmt.Fprintf(stdout, "accounts: %s\n", list(accounts))
	return nil
}

func list(items []string) string {
	if len(items) == 0 {
		return "(none)"
	}
	return strings.Join(items, ", ")
}
