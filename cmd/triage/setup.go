package main

import (
	"fmt"
	"io"

	"github.com/triagehq/triage/internal/config"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

// setupResult is a loaded, validated config and what it builds.
type setupResult struct {
	file    *config.File
	path    string // the config file read; empty for built-in defaults
	policy  *policy.Policy
	drafter *reply.Drafter
}

// setup finds and loads the config (--config, else TRIAGE_CONFIG, else the
// user config dir, else built-in defaults, said on stderr) and builds the
// policy and the drafter from it. Every error is a config error.
func setup(flag string, stderr io.Writer) (*setupResult, error) {
	path, fromDefault, err := config.Resolve(flag)
	if err != nil {
		return nil, configError{err}
	}
	var f *config.File
	if fromDefault {
		fmt.Fprintln(stderr, "triage: no config file found: using built-in defaults (see config.example.toml to write one)")
		f = config.Default()
	} else {
		if f, err = config.Load(path); err != nil {
			return nil, configError{err}
		}
	}
	s, err := build(f)
	if err != nil {
		return nil, configError{fmt.Errorf("%s: %w", displayPath(path), err)}
	}
	s.path = path
	return s, nil
}

// build makes the policy and the drafter a config describes.
func build(f *config.File) (*setupResult, error) {
	p, err := policy.New(f.Policy, f.Me)
	if err != nil {
		return nil, err
	}
	d, err := reply.New(f.Reply)
	if err != nil {
		return nil, err
	}
	return &setupResult{file: f, policy: p, drafter: d}, nil
}

func displayPath(path string) string {
	if path == "" {
		return "built-in defaults"
	}
	return path
}
