package demo

import (
	"fmt"

	"github.com/triagehq/triage"
	"github.com/triagehq/triage/internal/config"
	"github.com/triagehq/triage/internal/policy"
)

// Me is the demo's user, to whom every sample email is addressed.
func Me() policy.Me {
	return policy.Me{
		Name:      "Robin Keller",
		Email:     "robin.keller@example.org",
		Role:      "Engineering Manager, Data Platform",
		Companies: []string{"Northwind Analytics"},
		Schools:   []string{"TU Delft"},
		Topics:    []string{"data engineering", "stream processing", "streaming pipelines", "Kafka", "Flink"},
		Locations: []string{"Amsterdam", "Netherlands"},
	}
}

// KnownContacts are the people the demo user knows (policy.known.names).
var knownContacts = []string{"Marco de Vries"}

// Config is the example config (config.example.toml, embedded in the
// binary) with the demo user as [me] and the demo's known contacts added.
func Config() (*config.File, error) {
	f, err := config.Parse("config.example.toml", triage.ExampleConfig)
	if err != nil {
		return nil, err
	}
	f.Me = Me()
	f.Policy.Known.Names = append(f.Policy.Known.Names, knownContacts...)
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("config.example.toml: %w", err)
	}
	return f, nil
}
