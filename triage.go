// Package triage holds the repository files the program embeds: the
// example config, which `triage demo` runs with and tests load so that it
// cannot go stale. The program itself is in cmd/triage and internal/.
package triage

import _ "embed"

// ExampleConfig is config.example.toml, the documented example config.
//
//go:embed config.example.toml
var ExampleConfig []byte
