package sweep

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
	"github.com/triagehq/triage/internal/state"
)

// The fetch pipeline. Parsing and deciding a message costs several times
// what fetching it does, so the three overlap:
//
//	Session.Fetch callback --jobs--> workers (Parse, Decide, Draft) --results--> fetch (store, emit)
//
// The fetch callback only copies the body into a pooled buffer; the
// workers, one per CPU, parse the message and decide its invitations; the
// goroutine that called fetch takes the results back in the order the
// server sent the messages and records and emits them exactly as a
// sequential sweep does (same batches, same order). The store, emit and
// the Summary are only touched by that goroutine. A window bounds the
// messages (and their bytes) between the callback and the recorder at any
// time, so memory stays flat whatever the mailbox size.

// parsed is one fetched message.
type parsed struct {
	seq   int // the order the server sent it in
	slots int // window slots it holds until recorded
	uid   uint32
	date  time.Time // internal date
	msg   inbox.Message
	err   error
	// decided holds, per invitation of msg, the decision and draft a
	// worker made ahead (nil when none were made). record uses them only
	// for invitations not recorded yet.
	decided []decision
}

// decision is the policy's decision on one invitation and its draft.
type decision struct {
	dec   policy.Decision
	draft *reply.Draft
}

// job is one fetched message on its way to a worker.
type job struct {
	seq      int
	uid      uint32
	date     time.Time
	size     int64
	slots    int // window slots taken (slotsFor)
	tooLarge bool
	body     *bytes.Buffer // nil when tooLarge
	readErr  error         // reading the body from the server failed
}

// maxPooledBuffer is the largest buffer kept for reuse: a rare huge
// message does not keep its memory for the rest of the sweep.
const maxPooledBuffer = 1 << 20

// errStopped ends the fetch callback when the recorder stopped.
var errStopped = errors.New("sweep pipeline stopped")

// decide decides inv with the policy and drafts its clarification.
func (s *sweeper) decide(inv inbox.Invitation) (policy.Decision, *reply.Draft) {
	dec := s.o.Policy.Decide(inv)
	if s.o.Drafter != nil {
		if d, ok := s.o.Drafter.Draft(inv, dec); ok {
			return dec, &d
		}
	}
	return dec, nil
}

// work parses one message and decides its invitations. It runs on a
// worker goroutine: it reads only the job and the sweep's Options (the
// Policy and Drafter are safe for concurrent use).
func (s *sweeper) work(j job) parsed {
	p := parsed{seq: j.seq, uid: j.uid, date: j.date, slots: j.slots}
	switch {
	case j.tooLarge:
		p.err = fmt.Errorf("%w (%d bytes): not downloaded", inbox.ErrTooLarge, j.size)
		return p
	case j.readErr != nil:
		// What inbox.Parse says when it cannot read the message.
		p.err = fmt.Errorf("reading message: %w", j.readErr)
		return p
	}
	p.msg, p.err = inbox.ParseBytes(j.body.Bytes())
	if p.err != nil || len(p.msg.Invitations) == 0 {
		return p
	}
	p.decided = make([]decision, len(p.msg.Invitations))
	for n, inv := range p.msg.Invitations {
		if inv.MessageID == "" { // as record keys it
			inv.MessageID = p.msg.MessageID
		}
		p.decided[n].dec, p.decided[n].draft = s.decide(inv)
	}
	return p
}

// Messages in flight between the fetch callback and the recorder are
// counted in slots: one per started slotBytes of the message, so that the
// window holds hundreds of ordinary notifications (a few tens of KB each),
// enough to keep fetching and parsing while the recorder commits a batch,
// but only a few large messages. windowSlots*slotBytes (16 MiB) bounds the
// bodies held at once (with one message over the limit at most).
const (
	slotBytes   = 64 << 10
	windowSlots = 256
)

// slotsFor returns how many window slots a message of size bytes takes.
func slotsFor(size int64, window int) int {
	n := 1 + int(max(size-1, 0)/slotBytes)
	return min(n, window)
}

// parallelism returns how many workers parse at once and how many slots
// the window of messages in flight has.
func (s *sweeper) parallelism() (workers, window int) {
	workers = s.o.parallel
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers == 1 && s.o.parallel == 1 {
		return 1, 1 // strictly one message at a time
	}
	// Room for the workers' messages and many more fetched ahead, so that
	// neither the network nor the workers wait while the recorder commits
	// a batch (an fsync: milliseconds, in which tens of notifications
	// arrive).
	return workers, max(windowSlots, 4*workers)
}

// fetch fetches, parses and records the messages uids, and records the
// position with the last batch when setPos is set.
func (s *sweeper) fetch(ctx context.Context, uids []uint32, retry map[uint32]bool, setPos bool, highest uint32) error {
	if len(uids) == 0 {
		if !setPos && s.window == nil {
			return nil
		}
		return s.store.Update(func(tx *state.Tx) error { return s.savePosition(tx, &end{setPos, highest}) })
	}
	workers, window := s.parallelism()
	var (
		tokens  = make(chan struct{}, window) // one per message in flight
		jobs    = make(chan job, window)
		results = make(chan parsed, window)
		stop    = make(chan struct{}) // closed when the recorder is done
		bufs    = sync.Pool{New: func() any { return new(bytes.Buffer) }}
	)
	putBuf := func(b *bytes.Buffer) {
		if b != nil && b.Cap() <= maxPooledBuffer {
			b.Reset()
			bufs.Put(b)
		}
	}

	// The fetcher: copies each body and hands it on.
	var (
		fetchErr  error
		fetchDone = make(chan struct{})
	)
	go func() {
		defer close(fetchDone)
		defer close(jobs)
		seq := 0
		fetchErr = s.sess.Fetch(ctx, uids, func(m inbox.FetchedMessage) error {
			slots := 1
			if !m.TooLarge && m.Err == nil {
				slots = slotsFor(m.Size, window)
			}
			for range slots {
				select {
				case tokens <- struct{}{}:
				case <-stop:
					return errStopped
				}
			}
			j := job{seq: seq, uid: m.UID, date: m.InternalDate, size: m.Size, tooLarge: m.TooLarge, slots: slots, readErr: m.Err}
			seq++
			if !m.TooLarge && m.Err == nil {
				j.body = bufs.Get().(*bytes.Buffer)
				if m.Size > 0 && m.Size <= inbox.MaxMessageSize {
					j.body.Grow(int(m.Size) + bytes.MinRead)
				}
				// Parse reads no more than this either.
				_, j.readErr = j.body.ReadFrom(io.LimitReader(m.Body, inbox.MaxMessageSize+1))
			}
			select {
			case jobs <- j:
				return nil
			case <-stop:
				putBuf(j.body)
				return errStopped
			}
		})
	}()

	// The workers: parse and decide.
	var working sync.WaitGroup
	for range workers {
		working.Go(func() {
			for {
				var j job
				select {
				case j2, ok := <-jobs:
					if !ok {
						return
					}
					j = j2
				case <-stop:
					return
				}
				p := s.work(j)
				putBuf(j.body)
				select {
				case results <- p:
				case <-stop:
					return
				}
			}
		})
	}
	go func() {
		working.Wait()
		close(results)
	}()

	// The recorder, on this goroutine: takes the results back in order.
	var (
		total      = len(uids)
		perBatch   = cmp.Or(s.o.batch, batchSize)
		batch      = make([]parsed, 0, perBatch)
		lastReport time.Time
		fetched    = map[uint32]bool{}
		ahead      = map[int]parsed{} // results that came before their turn
		next       int
		err        error
		cancelled  bool
	)
	take := func(p parsed) error {
		for range p.slots {
			<-tokens
		}
		s.sum.Fetched++
		fetched[p.uid] = true
		batch = append(batch, p)
		if len(batch) >= perBatch {
			if err := s.flush(batch, retry, nil, nil); err != nil {
				return err
			}
			batch = batch[:0]
		}
		if now := time.Now(); s.sum.Fetched == total || now.Sub(lastReport) > 250*time.Millisecond {
			lastReport = now
			s.prog.printf("fetched %d of %d", s.sum.Fetched, total)
		}
		return nil
	}
recv:
	for {
		select {
		case p, ok := <-results:
			if !ok {
				break recv
			}
			ahead[p.seq] = p
			for {
				p, ok := ahead[next]
				if !ok {
					break
				}
				delete(ahead, next)
				next++
				if err = take(p); err != nil {
					break recv
				}
			}
		case <-ctx.Done():
			cancelled = true
			break recv
		}
	}
	// Stop the fetcher and the workers and wait for them all.
	close(stop)
	for range results {
	}
	<-fetchDone

	switch {
	case cancelled:
		// The fetch says which command the end of the context cut short.
		if fetchErr != nil && !errors.Is(fetchErr, errStopped) {
			return fetchErr
		}
		return fmt.Errorf("fetch: %w", ctx.Err())
	case err != nil:
		return err
	case fetchErr != nil:
		return fetchErr
	}
	if s.sum.Fetched < total {
		s.log.Info("some candidates were gone before they could be fetched", "gone", total-s.sum.Fetched)
	}
	// An unreadable message the user deleted needs no more tries.
	var forget []uint32
	for uid := range retry {
		if !fetched[uid] {
			forget = append(forget, uid)
		}
	}
	return s.flush(batch, retry, forget, &end{setPos, highest})
}
