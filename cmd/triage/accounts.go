package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/triagehq/triage/internal/config"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
)

// accountsOptions is what `triage accounts test` or `list` was asked to do.
type accountsOptions struct {
	Config  string
	Account string // test only; empty: the first
	Verbose bool
	Debug   bool
}

func accountsCommand(stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:         "accounts",
		Usage:        "list the IMAP accounts of the config, or test one",
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("unknown accounts command %q (try triage accounts test or triage accounts list)", c.Args().First())
			}
			return cli.ShowSubcommandHelp(c)
		},
		Subcommands: []*cli.Command{
			{
				Name:  "test",
				Usage: "log in to an account and report what a sweep would see; changes nothing",
				Description: "Connects, logs in, reports the server's capabilities that matter to sweeps\n" +
					"(MOVE, UIDPLUS, CONDSTORE, SPECIAL-USE, keywords), the mailbox's message count,\n" +
					"the candidate search and how many messages it matches, then logs out.\n" +
					"The password or token is never printed.",
				Flags: []cli.Flag{
					configFlag(),
					&cli.StringFlag{Name: "account", Aliases: []string{"a"}, Usage: "test the [[account]] named `NAME` (default: the first)"},
					&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log what it does on stderr, and list every subject the search looks for"},
					&cli.BoolFlag{Name: "debug", Usage: "trace IMAP commands and responses on stderr (never passwords, tokens or message contents)"},
				},
				OnUsageError: onUsageError,
				Action: func(c *cli.Context) error {
					if c.NArg() > 0 {
						return usageErrorf("accounts test takes no arguments (use --account NAME)")
					}
					opts := accountsOptions{Config: c.String("config"), Account: c.String("account"), Verbose: c.Bool("verbose"), Debug: c.Bool("debug")}
					return runAccountsTest(c.Context, opts, stdout, stderr)
				},
			},
			{
				Name:         "list",
				Usage:        "list the configured accounts (no connection is made)",
				Flags:        []cli.Flag{configFlag()},
				OnUsageError: onUsageError,
				Action: func(c *cli.Context) error {
					if c.NArg() > 0 {
						return usageErrorf("accounts list takes no arguments")
					}
					return runAccountsList(c.Context, accountsOptions{Config: c.String("config")}, stdout, stderr)
				},
			},
		},
	}
}

func runAccountsTest(ctx context.Context, opts accountsOptions, stdout, stderr io.Writer) error {
	s, err := setup(opts.Config, stderr)
	if err != nil {
		return err
	}
	a, err := pickAccount(s, opts.Account)
	if err != nil {
		return err
	}
	do := inbox.DialOptions{Logger: newLogger(stderr, opts.Verbose, opts.Debug)}
	if opts.Debug {
		do.Trace = stderr
	}
	sess, err := inbox.Dial(ctx, a, do)
	if err != nil {
		return err
	}
	defer sess.Close()
	r, err := sess.Probe(ctx, inbox.SearchCriteria{Subjects: inbox.SearchSubjects()})
	if err != nil {
		return err
	}
	writeProbe(stdout, a, r, opts.Verbose)
	writeFolders(stdout, s.file.Actions, r)
	for _, w := range actionWarnings(s.file.Actions, r) {
		fmt.Fprintf(stderr, "triage: warning: %s\n", w)
	}
	return sess.Logout()
}

// writeProbe prints what `accounts test` found; verbose lists every
// subject the search looks for.
func writeProbe(w io.Writer, a inbox.Account, r inbox.ProbeReport, verbose bool) {
	line := func(key, format string, args ...any) {
		fmt.Fprintf(w, "%-13s %s\n", key, fmt.Sprintf(format, args...))
	}
	line("account", "%s", a.Name)
	tls := "TLS " + r.TLS
	switch r.TLS {
	case inbox.TLSImplicit, inbox.TLSStartTLS:
		tls += ", certificate verified"
	case inbox.TLSNone:
		tls = "no TLS (plain text)"
	}
	line("server", "%s, %s", r.Server, tls)
	line("login", "ok as %s, auth %s", r.Username, r.Auth)
	c := r.Capabilities
	line("capabilities", "MOVE %s, UIDPLUS %s, CONDSTORE %s, SPECIAL-USE %s", yesNo(c.Move), yesNo(c.UIDPlus), yesNo(c.CondStore), yesNo(c.SpecialUse))
	switch {
	case c.Move:
		line("moving", "with MOVE")
	case c.UIDPlus:
		line("moving", "with COPY, then UID EXPUNGE of that message only (UIDPLUS)")
	default:
		line("moving", "refused: the server has neither MOVE nor UIDPLUS (keywords and copies still work)")
	}
	m := r.Mailbox
	line("mailbox", "%s: %s, UIDVALIDITY %d", m.Name, plural(int(m.Messages), "message", "messages"), m.UIDValidity)
	if m.KeywordsAllowed {
		line("keywords", `allowed (PERMANENTFLAGS has \*)`)
	} else {
		line("keywords", "not allowed: PERMANENTFLAGS are %s; keyword actions will be skipped", strings.Join(m.PermanentFlags, " "))
	}
	subjects := inbox.SearchSubjects()
	if verbose {
		line("search", "%s", r.Search)
	} else {
		line("search", "FROM %q OR a SUBJECT with any of %d invitation subjects (--verbose lists them)", inbox.LinkedInDomain, len(subjects))
	}
	if r.SearchSplit {
		line("", "the server refused this as one UID SEARCH: a sweep asks each of the %d criteria in a search of its own (one round trip each)", len(subjects)+1)
	}
	line("candidates", "%s match now; the first sweep fetches these, later sweeps only new mail",
		plural(r.Candidates, "message", "messages"))
}

// writeFolders says how the server names mailboxes and, when that
// changes a configured move_to or copy_to, the name a sweep uses.
func writeFolders(w io.Writer, acts config.Actions, r inbox.ProbeReport) {
	naming := "no hierarchy"
	if r.Separator != "" {
		naming = fmt.Sprintf("levels separated by %q", r.Separator)
	}
	if r.PersonalPrefix != "" {
		naming += fmt.Sprintf(", your folders under %q", r.PersonalPrefix)
	}
	fmt.Fprintf(w, "%-13s %s\n", "folders", naming)
	for _, v := range []policy.Verdict{policy.Accept, policy.Ignore, policy.Clarify, policy.Suspicious} {
		a := acts.For(v)
		for _, mb := range []struct{ key, name string }{{"move_to", a.MoveTo}, {"copy_to", a.CopyTo}} {
			if mb.name == "" {
				continue
			}
			if on := r.ServerName(mb.name); on != mb.name {
				fmt.Fprintf(w, "%-13s actions.%s.%s %q is %q on this server\n", "", v, mb.key, mb.name, on)
			}
		}
	}
}

// actionWarnings lists the configured actions this server cannot carry out.
func actionWarnings(acts config.Actions, r inbox.ProbeReport) []string {
	var out []string
	for _, v := range []policy.Verdict{policy.Accept, policy.Ignore, policy.Clarify, policy.Suspicious} {
		a := acts.For(v)
		if a.Keyword != "" && !r.Mailbox.KeywordsAllowed {
			out = append(out, fmt.Sprintf("actions.%s.keyword: %s does not accept keywords in %s; sweeps will skip it", v, r.Server, r.Mailbox.Name))
		}
		if a.MoveTo != "" && !r.Capabilities.Move && !r.Capabilities.UIDPlus {
			out = append(out, fmt.Sprintf("actions.%s.move_to: %s has neither MOVE nor UIDPLUS; sweeps will refuse to move (use keyword or copy_to)", v, r.Server))
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func runAccountsList(_ context.Context, opts accountsOptions, stdout, stderr io.Writer) error {
	s, err := setup(opts.Config, stderr)
	if err != nil {
		return err
	}
	if len(s.file.Accounts) == 0 {
		_, err := pickAccount(s, "")
		return err
	}
	for i, a := range s.file.Accounts {
		a = a.WithDefaults()
		def := ""
		if i == 0 {
			def = " (default)"
		}
		fmt.Fprintf(stdout, "%s%s: %s@%s:%d/%s, tls %s, auth %s, secret from %s\n",
			a.Name, def, a.Username, a.Host, a.Port, a.Mailbox, a.TLS, a.Auth, secretSource(a))
	}
	return nil
}

// secretSource names where the account's secret comes from, never the
// secret itself.
func secretSource(a inbox.Account) string {
	switch {
	case a.TokenCommand != "":
		return "token_command"
	case a.PasswordCommand != "":
		return "password_command"
	case a.Password != "":
		return "password (in the config file)"
	}
	return "$" + a.PasswordEnv
}
