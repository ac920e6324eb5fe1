//go:build race

package inbox

// raceEnabled makes the slowest single-goroutine equivalence tests check
// a sample of the fixture texts: the race detector finds nothing in them
// and makes them about ten times slower. The full set runs without -race.
const raceEnabled = true
