//go:build race

package policy

// raceEnabled makes the slowest equivalence tests sample the corpus.
const raceEnabled = true
