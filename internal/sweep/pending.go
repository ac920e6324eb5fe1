package sweep

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/report"
	"github.com/triagehq/triage/internal/state"
)

// openPage is how many open records a dry sweep reads at a time while it
// lists them: the memory it holds for them is a few pages (see
// openWindow), however many the store has. A page of 1,024 entries and
// the records' strings they share is about 1 MB.
const openPage = 1024

// maxOpenReaders is how many goroutines read the pages of open records at
// once. Reading is most of a listing's cost: on 10,000 records and 2 CPUs,
// one reader took about 28 ms of CPU (decoding records about 14, building
// entries 8, bbolt 5) while writing the entries out as JSON took about 8,
// so the listing took about 30 ms however fast the output. Two readers,
// each in its own View, share the reading: with -cpu 2, BenchmarkEmitOpen
// went from about 36 to 21 ms (BenchmarkEmitOpen/json from 38 to 26), not
// to half, since the garbage collector (3 to 8 ms of it), the writer and
// a second mapping of the file take their share of the 2 CPUs. More
// readers would only pay on more CPUs, and a dry run's listing is short.
const maxOpenReaders = 2

// openReaders is how many readers emitOpen uses for pages pages: one per
// CPU Go may use, at most maxOpenReaders, and no more than there are
// pages.
func openReaders(pages int) int {
	return max(1, min(maxOpenReaders, runtime.GOMAXPROCS(0), pages))
}

// viewPages is how many pages a reader reads in one View at most. The
// file's pages a View touches stay mapped, and count in the process's
// resident size, until it ends; records are about a 4 KB page each, so a
// View of the whole listing of 10,000 records had added 30 MB to a
// sweep's peak RSS. Two pages a View keep that to 8 MB a reader, and the
// file is mapped anew every 2,048 records rather than every 1,024.
const viewPages = 2

// openWindow is how many pages readers readers may have taken (being
// read, or read and waiting) and not yet written out; while the output is
// stuck, the readers stop there and leave the store. That is two pages a
// reader (the one it reads and one it has read) and two more (the one
// being written and the next). Two readers run unevenly fast: with 4
// pages rather than 6, one of them ran out while the writer waited for
// the other about twice a listing of 10 pages, and mapped the file anew
// each time (about 0.35 times with 6).
func openWindow(readers int) int { return 2*readers + 2 }

// emitOpen is finish for a dry run: it lists every open action of the
// account, carried over from earlier sweeps, in the order a sweep meets
// the messages, page by page, read while the pages before are emitted, so
// the list is never held whole, and the store is held only while the
// output keeps up with the reading. New invitations were emitted when
// they were decided; they are only counted.
func (s *sweeper) emitOpen() error {
	if err := s.emitOpenWith(0); err != nil {
		return err
	}
	s.fillLines()
	return nil
}

// fillMin is how many pending records a --json listing must have read
// for want of a line before the sweep renders the missing lines: a few
// records cost the next listing less than the write does.
const fillMin = 32

// fillLines renders the lines the store lacks (records saved before
// schema 4, or by a triage that rendered them differently) after a
// --json listing that had to read at least fillMin records, so that the
// next listing copies lines instead. It is only a saving: a failure is
// logged, and the sweep goes on.
func (s *sweeper) fillLines() {
	if s.o.JSONLines == nil || s.unlined < fillMin {
		return
	}
	n, err := s.store.FillLines(s.name)
	if err != nil {
		s.log.Warn("could not keep the lines of pending invitations for the next listing", "err", err)
		return
	}
	s.log.Debug("kept the lines of pending invitations for the next listing", "records", n)
}

// emitOpenWith is emitOpen with readers goroutines reading the pages (the
// default of openReaders when 0).
func (s *sweeper) emitOpenWith(readers int) error {
	isNew := make(map[string]bool, len(s.newKeys))
	for _, k := range s.newKeys {
		isNew[k] = true
	}
	// Intents left by a crashed run are few: read them first, then merge
	// them by UID into the stream of pending ones. The same View finds
	// where each page of pending records starts, from the open index.
	var intents []report.Entry
	var intentUIDs []uint32
	var cursors []string
	size := cmp.Or(s.o.page, openPage)
	if err := s.store.View(func(tx *state.Tx) error {
		err := tx.EachOpen(s.name, state.Intent, func(r state.Record) error {
			e, ok, err := s.openEntry(tx, r, isNew, nil)
			if ok {
				intents = append(intents, e)
				intentUIDs = append(intentUIDs, r.Location.UID)
			}
			return err
		})
		if err != nil {
			return err
		}
		cursors, err = tx.OpenCursors(s.name, state.Pending, size)
		return err
	}); err != nil {
		return err
	}
	emitIntentsBefore := func(uid uint32) error {
		for len(intents) > 0 && intentUIDs[0] <= uid {
			if err := s.emit(intents[0]); err != nil {
				return err
			}
			intents, intentUIDs = intents[1:], intentUIDs[1:]
		}
		return nil
	}

	if readers <= 0 {
		readers = openReaders(len(cursors))
	}
	l := startOpenLister(s, isNew, cursors, size, readers)
	defer l.stop() // the readers are gone when emitOpen returns
	for i := range cursors {
		p := l.page(i)
		if p.err != nil {
			return p.err
		}
		s.sum.Pending += p.read
		s.unlined += p.unlined
		// Lines are written as they are, as many in one write as come
		// one after another.
		from, to := 0, 0
		flush := func() error {
			if from == to {
				return nil
			}
			_, err := s.o.JSONLines.Write(p.lines[from:to])
			from = to
			return err
		}
		for j, e := range p.entries {
			if len(intents) > 0 && intentUIDs[0] <= p.uids[j] {
				if err := flush(); err != nil {
					return err
				}
				if err := emitIntentsBefore(p.uids[j]); err != nil {
					return err
				}
			}
			if end := p.ends[j]; end > to {
				to = end
				continue
			}
			if err := flush(); err != nil {
				return err
			}
			if err := s.emit(e); err != nil {
				return err
			}
		}
		if err := flush(); err != nil {
			return err
		}
		l.done(p)
	}
	return emitIntentsBefore(^uint32(0))
}

// openLister reads the pages of a dry run's listing of pending records on
// reader goroutines, while the goroutine that made it writes the pages
// out strictly in order (page, then done, for each page in turn).
//
// Readers take the pages in order, at most openWindow pages ahead of the
// page being written: each page taken holds a token, which done gives
// back. Page i is the range of the open index from cursors[i] through
// cursors[i+1] (see state.Tx.OpenCursors), so the pages neither overlap
// nor leave a gap even when another process writes meanwhile, whichever
// reader reads them and whenever. A read page goes into slot i modulo the
// window, which is free then, since no more pages than that are taken
// and not done. Every page taken is put in its slot, read or with an
// error, so the writer never waits for a page nobody reads.
//
// The first error in page order wins: the writer meets it first. A reader
// whose page fails halts the lister, so that no reader takes a page after
// it (those before it were taken already), and the writer halts it when
// it returns early; a reader finishes the page it is reading (about a
// millisecond at 1,024 records) and ends.
//
// A reader stays in one View (bbolt transactions are not for concurrent
// use, so each has its own) for up to viewPages pages while there are
// tokens, and leaves it, so that the store is not held while the output
// is stuck, before it waits for one.
//
// Records are read brief (without their history and accept link, which
// the entries do not show), and a written page's slices are handed back
// for another page, since fresh memory is most of what reading costs.
// For JSON output (Options.JSONLines), a record the store keeps a line
// for is not read at all: its line (the JSON head of its entry) is copied
// and its actions appended, and the writer writes the page's lines with
// one write a run. On 10,000 pending invitations that took the listing
// from about 35 ms of CPU to about 15, and a dry sweep with nothing new
// from about 52 ms to 35 (100,000 messages, 2 CPUs).
type openLister struct {
	s       *sweeper
	isNew   map[string]bool
	cursors []string
	size    int // records a page, for the slices of a new page

	tokens chan struct{}      // a token for each page that may be taken
	slots  []chan *openPageOf // page i, read, is in slots[i%len(slots)]
	free   chan *openPageOf   // written pages, to be filled again
	next   atomic.Int64       // the next page to take
	halt   atomic.Bool        // take no more pages: one failed, or the writer is gone
	quit   chan struct{}      // closed when the writer is gone
	wg     sync.WaitGroup     // the readers
	no     bool               // false: the New and Applied of every line made from a head
}

// openPageOf is a page of open records, read and turned into entries.
type openPageOf struct {
	// The page's listed invitations, in order: item i is the line
	// lines[ends[i-1]:ends[i]] (ends[-1] being 0) when that is not empty,
	// else entries[i].
	entries []report.Entry
	lines   []byte // JSON lines made from the heads the store keeps
	ends    []int
	uids    []uint32 // of the items' messages
	read    int      // records read, listed or not (Summary.Pending)
	unlined int      // of them, records read for want of a line
	err     error    // reading stopped there; entries are incomplete
}

// startOpenLister starts readers readers on the pages that start at
// cursors, of size records.
func startOpenLister(s *sweeper, isNew map[string]bool, cursors []string, size, readers int) *openLister {
	window := openWindow(readers)
	l := &openLister{
		s: s, isNew: isNew, cursors: cursors, size: size,
		tokens: make(chan struct{}, window),
		slots:  make([]chan *openPageOf, window),
		free:   make(chan *openPageOf, window),
		quit:   make(chan struct{}),
	}
	for i := range l.slots {
		l.slots[i] = make(chan *openPageOf, 1)
		l.tokens <- struct{}{}
	}
	l.wg.Add(readers)
	for range readers {
		go l.read()
	}
	return l
}

// page waits for page i, read. Pages must be asked for in order, each
// after done with the one before.
func (l *openLister) page(i int) *openPageOf { return <-l.slots[i%len(l.slots)] }

// done hands back a page written out, and its token.
func (l *openLister) done(p *openPageOf) {
	clear(p.entries) // drop what the entries point to
	p.entries, p.lines, p.ends, p.uids, p.read, p.unlined = p.entries[:0], p.lines[:0], p.ends[:0], p.uids[:0], 0, 0
	select {
	case l.free <- p:
	default:
	}
	l.tokens <- struct{}{}
}

// stop makes the readers stop taking pages and waits for them.
func (l *openLister) stop() {
	l.halt.Store(true)
	close(l.quit)
	l.wg.Wait()
}

// take takes the next page to read, waiting for a token when wait is set
// and otherwise failing at once when there is none. It fails when the
// pages are all taken or the lister halts.
func (l *openLister) take(wait bool) (int, bool) {
	if wait {
		select {
		case <-l.tokens:
		case <-l.quit:
			return 0, false
		}
	} else {
		select {
		case <-l.tokens:
		default:
			return 0, false
		}
	}
	if !l.halt.Load() {
		if i := l.next.Add(1) - 1; i < int64(len(l.cursors)) {
			return int(i), true
		}
	}
	l.tokens <- struct{}{} // there is room: it was just taken
	return 0, false
}

// read is a reader: it takes pages, reads each, and puts it in its slot.
func (l *openLister) read() {
	defer l.wg.Done()
	steps := stepCache{} // a map: one for each reader
	for {
		i, ok := l.take(true)
		if !ok {
			return
		}
		// In one View, read page after page while there are tokens;
		// the page read last is put in its slot after the View, which a
		// failure to close it replaces.
		var held *openPageOf
		err := l.s.store.View(func(tx *state.Tx) error {
			for n := 1; ; n++ {
				p := l.readPage(tx, i, steps)
				if p.err != nil || n == viewPages {
					held = p
					return nil
				}
				j, ok := l.take(false)
				if !ok {
					held = p
					return nil
				}
				l.slots[i%len(l.slots)] <- p
				i = j
			}
		})
		if err != nil {
			held = &openPageOf{err: err}
		}
		failed := held.err != nil
		if failed {
			l.halt.Store(true) // the pages after this one will not be written
		}
		l.slots[i%len(l.slots)] <- held // the writer's now: not to be read again
		if failed {
			return
		}
	}
}

// readPage reads page i of the listing.
func (l *openLister) readPage(tx *state.Tx, i int, steps stepCache) *openPageOf {
	var p *openPageOf
	select {
	case p = <-l.free:
	default:
		p = &openPageOf{entries: make([]report.Entry, 0, l.size), uids: make([]uint32, 0, l.size), ends: make([]int, 0, l.size)}
	}
	through := ""
	if i+1 < len(l.cursors) {
		through = l.cursors[i+1]
	}
	// A record this sweep decided was listed then: counted, not read.
	skip := func(key []byte) bool {
		if l.isNew[string(key)] {
			p.read++
			return true
		}
		return false
	}
	fromRecord := func(r state.Record) error {
		p.read++
		if l.s.o.JSONLines != nil {
			p.unlined++
		}
		e, ok, err := l.s.listEntry(tx, r, l.isNew, steps)
		if ok {
			p.entries = append(p.entries, e)
			p.ends = append(p.ends, len(p.lines))
			p.uids = append(p.uids, r.Location.UID)
		}
		return err
	}
	if l.s.o.JSONLines == nil {
		p.err = tx.OpenBriefRange(l.s.name, state.Pending, l.cursors[i], through, skip, fromRecord)
		return p
	}
	fromHead := func(h *state.Line) error {
		p.read++
		if string(h.Mailbox) != l.s.acct.Mailbox {
			l.s.log.Warn("invitation recorded in another mailbox left as it is", "key", string(h.Key), "mailbox", string(h.Mailbox))
			return nil
		}
		disagree, err := tx.VerdictsDisagree(l.s.name, string(h.MessageID))
		if err != nil {
			return err
		}
		// The steps depend on the verdict and the disagreement alone
		// (see stepCache), which a record of the verdict stands for.
		planned := steps.plan(l.s, state.Record{Suggested: h.Verdict, Location: state.Location{Mailbox: l.s.acct.Mailbox}}, disagree)
		if p.lines == nil {
			p.lines = make([]byte, 0, l.size*lineSize)
		}
		p.lines = append(p.lines, h.Text...)
		p.lines = report.AppendTail(p.lines, &report.Entry{New: &l.no, Actions: planned, Applied: &l.no})
		p.entries = append(p.entries, report.Entry{})
		p.ends = append(p.ends, len(p.lines))
		p.uids = append(p.uids, h.UID)
		return nil
	}
	p.err = tx.OpenLineRange(l.s.name, state.Pending, l.cursors[i], through, skip, l.s.lines.LineTag(), fromHead, fromRecord)
	return p
}

// lineSize is about the size of an invitation's JSON line, for the first
// allocation of a page's lines.
const lineSize = 1200

// openEntry counts an open record of a dry run and returns its entry when
// it is to be listed: not for a new invitation (already emitted) nor for
// one recorded in another mailbox (left as it is). r may be brief (see
// state.BriefFields). The steps of a pending record are planned through
// steps when it is not nil.
func (s *sweeper) openEntry(tx *state.Tx, r state.Record, isNew map[string]bool, steps stepCache) (report.Entry, bool, error) {
	s.sum.Pending++
	return s.listEntry(tx, r, isNew, steps)
}

// listEntry is openEntry without the counting: it changes nothing in s,
// so the readers of a listing call it side by side (each with its own
// steps). Its warnings, from two readers, may come out of page order.
func (s *sweeper) listEntry(tx *state.Tx, r state.Record, isNew map[string]bool, steps stepCache) (report.Entry, bool, error) {
	if isNew[r.Key] {
		return report.Entry{}, false, nil
	}
	if r.Location.Mailbox != s.acct.Mailbox {
		s.log.Warn("invitation recorded in another mailbox left as it is", "key", r.Key, "mailbox", r.Location.Mailbox)
		return report.Entry{}, false, nil
	}
	planned := r.Action.Planned
	if r.Action.State != state.Intent {
		disagree, err := tx.VerdictsDisagree(s.name, r.Location.MessageID)
		if err != nil {
			return report.Entry{}, false, err
		}
		if steps != nil {
			planned = steps.plan(s, r, disagree)
		} else {
			_, _, planned = s.plan(r, disagree)
		}
	}
	return s.recordEntry(r, planned), true, nil
}

// stepCache keeps the steps plan gives the open records of a listing.
// They depend only on the record's effective verdict and on whether its
// message's invitations disagree, since every record listed is in the
// sweep's mailbox; building them is a few allocations a record, and a
// listing has thousands of records and a handful of distinct plans. The
// entries share the cached slices, clipped so that an append copies.
type stepCache map[stepKey][]string

type stepKey struct {
	verdict  policy.Verdict
	disagree bool
}

// plan returns s.plan's steps for r, a record in the sweep's mailbox.
func (c stepCache) plan(s *sweeper, r state.Record, disagree bool) []string {
	k := stepKey{r.EffectiveVerdict(), disagree}
	steps, ok := c[k]
	if !ok {
		_, _, steps = s.plan(r, disagree)
		steps = slices.Clip(steps)
		c[k] = steps
	}
	return steps
}
