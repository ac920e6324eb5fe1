package policy

// Prepare builds the note classifier's tables (its features and their
// literal prefilter), which ClassifyNote otherwise builds on its first
// call. A sweep calls it while the server searches, so that the first
// invitations decided do not wait for it. It is safe to call at any time,
// from any goroutine, more than once.
func Prepare() {
	noteFeatures()
	notePrefilters()
}
