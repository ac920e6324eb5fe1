package inbox

import (
	"regexp"
	"sync"
)

// Prepare builds the parser's tables (the phrase tables of every language
// and the subject list), which Parse and SearchSubjects otherwise build on
// their first call. A sweep calls it while the server searches, so that the
// first messages fetched do not wait for it. It is safe to call at any
// time, from any goroutine, more than once.
func Prepare() {
	phrases()
	SearchSubjects()
	preheaderRe()
	signature()
	roleWords()
}

// lazyRegexp returns a function that compiles expr on its first call and
// returns the same Regexp from then on: patterns with large Unicode
// classes cost a millisecond or more to compile, which every command run
// would otherwise pay at start.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
