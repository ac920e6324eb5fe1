package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/triagehq/triage/internal/report"
)

// seedMany delivers n candidates to INBOX, cycling through the fixtures
// (each copy with a Message-ID of its own), with ordinary mail between
// them and an unreadable message every 97th candidate. It returns the
// UIDs of the unreadable ones.
func seedMany(t testing.TB, ms *memServer, n int) (broken []uint32) {
	t.Helper()
	names := []string{fx2011, fx2016, fx2022, fx2023, fx2025, fx2026, fxReminder, fxDigest, fxAccepted, fxNewsletter, fxLookalike}
	raws := make([][]byte, len(names))
	for i, name := range names {
		raws[i] = fixture(t, name)
	}
	bad := fixture(t, fxBroken)
	for i := range n {
		if i%5 == 4 {
			ms.deliver("INBOX", ordinary(i))
		}
		id := fmt.Sprintf("many-%d@example.org", i)
		if i%97 == 50 {
			broken = append(broken, ms.deliver("INBOX", withMessageID(t, bad, id)))
			continue
		}
		ms.deliver("INBOX", withMessageID(t, raws[i%len(raws)], id))
	}
	return broken
}

func uidOf(t testing.TB, source string) uint32 {
	t.Helper()
	_, after, ok := strings.Cut(source, ";UID=")
	var uid uint32
	if _, err := fmt.Sscan(after, &uid); !ok || err != nil {
		t.Fatalf("source %q has no UID", source)
	}
	return uid
}

// The pipeline changes nothing the sweep says: a sweep of a few hundred
// candidates parsed and decided by several workers emits the same entries,
// in the same order, with the same summary, as one that takes one message
// at a time; entries come in UID order, and an unreadable message in the
// middle is an error entry of its own while the sweep goes on.
func TestPipelineSameAsSequential(t *testing.T) {
	ms := newMemServer(t)
	const n = 300
	broken := seedMany(t, ms, n)

	sweep := func(parallel int) (Summary, []string) {
		o := memOptions(t, ms, "INBOX")
		o.parallel = parallel
		sum, entries := run(t, o)
		var out []string
		for _, e := range entries {
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(b))
		}
		// Entries come in UID order, each unreadable message as an error,
		// then the reminders to file, listed with the pending actions of
		// earlier sweeps, in UID order too.
		var uids, remUIDs, errUIDs []uint32
		for _, e := range entries {
			if e.Kind == report.KindInvitation && !*e.New {
				remUIDs = append(remUIDs, uidOf(t, e.Source))
				continue
			}
			if len(remUIDs) > 0 {
				t.Errorf("parallel %d: entry %s after the listing of pending actions", parallel, e.Source)
			}
			uids = append(uids, uidOf(t, e.Source))
			if e.Kind == report.KindError {
				errUIDs = append(errUIDs, uidOf(t, e.Source))
				if !strings.Contains(e.Error, "quoted-printable") {
					t.Errorf("parallel %d: error entry %q does not say what is wrong", parallel, e.Error)
				}
			}
		}
		if !slices.IsSorted(uids) || !slices.IsSorted(remUIDs) {
			t.Errorf("parallel %d: entries not in UID order: %v then %v", parallel, uids, remUIDs)
		}
		if len(remUIDs) != sum.Reminders {
			t.Errorf("parallel %d: %d reminders listed to be filed, want %d", parallel, len(remUIDs), sum.Reminders)
		}
		if !slices.Equal(errUIDs, broken) {
			t.Errorf("parallel %d: error entries for UIDs %v, want %v", parallel, errUIDs, broken)
		}
		if sum.Candidates != n || sum.Fetched != n || sum.Errors != len(broken) || sum.New == 0 || sum.Reminders == 0 || sum.NotInvitations == 0 {
			t.Errorf("parallel %d: summary %+v; want %d candidates fetched, %d errors, some new, reminders and not invitations", parallel, sum, n, len(broken))
		}
		return sum, out
	}
	seqSum, seq := sweep(1)
	for _, parallel := range []int{0, 4} {
		sum, got := sweep(parallel)
		if !reflect.DeepEqual(sum, seqSum) {
			t.Errorf("parallel %d: summary %+v, want %+v as one at a time", parallel, sum, seqSum)
		}
		if !reflect.DeepEqual(got, seq) {
			t.Errorf("parallel %d: %d entries differ from the %d of one at a time", parallel, len(got), len(seq))
			for i := range min(len(got), len(seq)) {
				if got[i] != seq[i] {
					t.Errorf("first difference, entry %d:\n got %s\nwant %s", i, got[i], seq[i])
					break
				}
			}
		}
	}
}

// ownGoroutines counts the goroutines of the process but those of the
// in-process IMAP server: a server connection cut mid-response may stay
// blocked in imapserver, which is the test server's business, not the
// sweep's.
func ownGoroutines() (int, string) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	var own []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "go-imap/v2/imapserver.") {
			continue
		}
		count++
		own = append(own, g)
	}
	return count, strings.Join(own, "\n\n")
}

// goroutinesBack waits a little for the goroutine count to come back to
// base.
func goroutinesBack(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, stacks := ownGoroutines()
		if n <= base {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d goroutines left, want at most %d:\n%s", n, base, stacks)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Cancelling the context, or an emit that fails, while messages are in
// flight stops the fetch and the workers at once, returns the right error
// and leaves no goroutine behind.
func TestPipelineStopsCleanly(t *testing.T) {
	ms := newMemServer(t)
	seedMany(t, ms, 400)
	errFull := errors.New("disk full")
	tests := []struct {
		name string
		stop func(cancel context.CancelFunc) error // called by emit
		want error
	}{
		{"cancel", func(cancel context.CancelFunc) error { cancel(); return nil }, context.Canceled},
		{"emit error", func(context.CancelFunc) error { return errFull }, errFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := memOptions(t, ms, "INBOX")
			o.parallel = 4
			o.batch = 100 // the first emit comes with the first batch
			base, _ := ownGoroutines()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			emitted := 0
			var stopped time.Time
			sum, err := Run(ctx, o, func(report.Entry) error {
				emitted++
				if emitted == 1 {
					stopped = time.Now()
					return tt.stop(cancel)
				}
				return nil
			})
			took := time.Since(stopped)
			if !errors.Is(err, tt.want) {
				t.Errorf("Run = %v, want %v", err, tt.want)
			}
			if sum.Fetched >= 400 {
				t.Errorf("Run fetched %d of 400: it did not stop", sum.Fetched)
			}
			// After an emit error the fetch drains the command's answer
			// to keep the session usable, as it always did.
			if tt.want == context.Canceled && took > 5*time.Second {
				t.Errorf("Run took %v to stop", took)
			}
			t.Logf("stopped %v after being told, %d of 400 fetched", took, sum.Fetched)
			goroutinesBack(t, base)
		})
	}
}

// stallSession holds the body FETCH until the test releases it, so a
// sweep can be cancelled while it waits on the network mid-fetch.
type stallSession struct {
	*memSession
	fetching chan<- struct{}
	release  <-chan struct{}
}

func (s *stallSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, o *imap.FetchOptions) error {
	if len(o.BodySection) > 0 && o.BodySection[0].Specifier == imap.PartSpecifierNone {
		select {
		case s.fetching <- struct{}{}:
		default:
		}
		<-s.release
	}
	return s.memSession.Fetch(w, numSet, o)
}

// Cancelling while the sweep waits for the server's answer to the body
// FETCH returns context.Canceled promptly and leaves no goroutine behind.
func TestPipelineCancelWhileFetching(t *testing.T) {
	ms := newMemServer(t)
	seedMany(t, ms, 50)
	fetching := make(chan struct{}, 1)
	release := make(chan struct{})
	var once sync.Once
	unblock := func() { once.Do(func() { close(release) }) }
	t.Cleanup(unblock)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &stallSession{memSession: &memSession{srv: ms}, fetching: fetching, release: release}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	o := memOptions(t, ms, "INBOX")
	o.Account.Port = ln.Addr().(*net.TCPAddr).Port
	base, _ := ownGoroutines()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cancelled := make(chan time.Time, 1)
	go func() {
		<-fetching
		cancelled <- time.Now()
		cancel()
	}()
	sum, err := Run(ctx, o, nil)
	var took time.Duration
	select {
	case at := <-cancelled:
		took = time.Since(at)
	default:
		t.Error("Run returned before the body FETCH reached the server")
	}
	unblock() // let the stalled server connection end
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if sum.Fetched != 0 {
		t.Errorf("Run fetched %d messages the server never sent", sum.Fetched)
	}
	if took > 5*time.Second {
		t.Errorf("Run took %v to stop", took)
	}
	goroutinesBack(t, base)
}

// BenchmarkSweepMem measures a first sweep of 400 candidates from the
// in-process server (which shares the CPUs), one message at a time and
// with the pipeline.
func BenchmarkSweepMem(b *testing.B) {
	ms := newMemServer(b)
	const n = 400
	seedMany(b, ms, n)
	for _, parallel := range []int{1, 0} {
		b.Run(fmt.Sprintf("parallel=%d", parallel), func(b *testing.B) {
			p, d := testPolicy(b)
			o := Options{Account: ms.account(b, "INBOX"), Policy: p, Drafter: d, Actions: testActions, parallel: parallel}
			for b.Loop() {
				o.StoreDir = b.TempDir()
				if _, err := Run(context.Background(), o, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/msg")
		})
	}
}

// TestSlotsFor checks the window's accounting: ordinary notifications take
// one slot, large messages one per started 64 KiB, never more than the
// window.
func TestSlotsFor(t *testing.T) {
	for _, tt := range []struct {
		size   int64
		window int
		want   int
	}{
		{0, 64, 1},
		{30 << 10, 64, 1},
		{slotBytes, 64, 1},
		{slotBytes + 1, 64, 2},
		{1 << 20, 64, 16},
		{10 << 20, 256, 160},
		{100 << 20, 64, 64},
		{10 << 20, 1, 1},
	} {
		if got := slotsFor(tt.size, tt.window); got != tt.want {
			t.Errorf("slotsFor(%d, %d) = %d, want %d", tt.size, tt.window, got, tt.want)
		}
	}
}
