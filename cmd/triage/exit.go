package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/triagehq/triage/internal/config"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/state"
)

// Exit codes, the same for every command; README.md lists them.
const (
	exitOK          = 0
	exitUsage       = 1 // usage or config error
	exitConnect     = 2 // cannot connect or log in, the connection failed, or the server is unavailable
	exitPartial     = 3 // some messages could not be read, or some actions failed
	exitLocked      = 4 // another sweep of the account is running
	exitInterrupted = 130
)

// usageError is a command line mistake: a bad flag, a missing argument, a
// path that does not exist.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// configError is a problem with the config file or what it describes.
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }
func (e configError) Unwrap() error { return e.err }

// partialError reports a run that went through but could not read some
// messages, or carry out the actions of some invitations; those were
// reported one by one.
type partialError struct{ unreadable, failed int }

func (e partialError) Error() string {
	var parts []string
	switch {
	case e.unreadable == 1:
		parts = append(parts, "1 message could not be read")
	case e.unreadable > 1:
		parts = append(parts, fmt.Sprintf("%d messages could not be read", e.unreadable))
	}
	switch {
	case e.failed == 1:
		parts = append(parts, "the actions of 1 invitation failed (they stay pending for the next --apply)")
	case e.failed > 1:
		parts = append(parts, fmt.Sprintf("the actions of %d invitations failed (they stay pending for the next --apply)", e.failed))
	}
	return strings.Join(parts, "; ") + "; the others were handled"
}

// exitCode is the one place that maps an error to the process exit code.
// It prints the error (not for interruptions, which only get a short note).
func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		fmt.Fprintln(stderr, "triage: interrupted")
		return exitInterrupted
	}
	printErr(stderr, err)
	var ae *inbox.AuthError
	if errors.As(err, &ae) && ae.Hint != "" {
		fmt.Fprintf(stderr, "triage: hint: %s\n", ae.Hint)
	}
	var ue usageError
	var ce configError
	var pe partialError
	switch {
	case errors.Is(err, state.ErrLocked):
		return exitLocked
	case errors.Is(err, inbox.ErrConnect), errors.Is(err, inbox.ErrAuth), errors.Is(err, inbox.ErrTimeout),
		errors.Is(err, inbox.ErrUnavailable), errors.Is(err, inbox.ErrSession):
		return exitConnect
	case errors.As(err, &pe):
		return exitPartial
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ce), errors.Is(err, config.ErrInvalid), errors.Is(err, policy.ErrInvalid):
		return exitUsage
	}
	// Anything else happened before any message was handled (reading the
	// config file, for instance): the user has to change something.
	return exitUsage
}
