package inbox

// Prepare builds the parser's tables (the phrase tables of every language
// and the subject list), which Parse and SearchSubjects otherwise build on
// their first call. A sweep calls it while the server searches, so that the
// first messages fetched do not wait for it. It is safe to call at any
// time, from any goroutine, more than once.
func Prepare() {
	phrases()
	SearchSubjects()
}
