//go:build !race

package inbox

// raceEnabled: see race_test.go.
const raceEnabled = false
