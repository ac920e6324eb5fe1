package benchmark

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// FloorOptions configures the floor client.
type FloorOptions struct {
	Addr           string // host:port, plain IMAP
	User, Password string
	Mailbox        string
	// Subjects are the subject substrings the sweep searches for, ORed
	// with FROM "linkedin.com".
	Subjects []string
	// Batch is how many UIDs each UID FETCH asks for, InFlight how many
	// such commands are outstanding at once (the sweep's 200 and 2).
	Batch, InFlight int
}

// FloorResult is what one floor run saw.
type FloorResult struct {
	Elapsed    time.Duration
	Candidates int   // UIDs the search returned
	Fetched    int   // bodies read
	Bytes      int64 // body bytes read
}

// Floor does what a sweep cannot avoid and nothing else: connect, log in,
// SELECT, one UID SEARCH for candidates, UID FETCH BODY.PEEK[] of every
// candidate in pipelined batches, reading each body to the end and
// discarding it, then LOGOUT. Elapsed covers all of it, dial included.
func Floor(ctx context.Context, o FloorOptions) (FloorResult, error) {
	if o.Batch <= 0 {
		o.Batch = 200
	}
	if o.InFlight <= 0 {
		o.InFlight = 2
	}
	if o.Mailbox == "" {
		o.Mailbox = "INBOX"
	}
	var res FloorResult
	ctx, cancel := context.WithTimeout(ctx, RunTimeout)
	defer cancel()
	start := time.Now()
	conn, err := (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, "tcp", o.Addr)
	if err != nil {
		return res, fmt.Errorf("floor: %w", err)
	}
	c := imapclient.New(conn, nil)
	defer c.Close()
	// Closing the connection, not the client, unblocks every wait.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	if err := c.Login(o.User, o.Password).Wait(); err != nil {
		return res, fmt.Errorf("floor: login: %w", err)
	}
	if _, err := c.Select(o.Mailbox, nil).Wait(); err != nil {
		return res, fmt.Errorf("floor: select %s: %w", o.Mailbox, err)
	}
	data, err := c.UIDSearch(SearchCriteria(o.Subjects), nil).Wait()
	if err != nil {
		return res, fmt.Errorf("floor: search: %w", err)
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	res.Candidates = len(uids)

	// Dovecot runs pipelined FETCH commands in parallel and may send the
	// next command's messages before the tagged OK of the one before;
	// go-imap's reader waits for each body literal to be read by the
	// command's consumer, so every command in flight needs its own
	// reader or the session deadlocks.
	opts := &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
	type result struct {
		n   int
		b   int64
		err error
	}
	results := make(chan result, o.InFlight)
	running := 0
	var first error
	collect := func() {
		r := <-results
		running--
		res.Fetched += r.n
		res.Bytes += r.b
		if r.err != nil && first == nil {
			first = r.err
		}
	}
	for batch := range slices.Chunk(uids, o.Batch) {
		if running == o.InFlight {
			collect()
		}
		if first != nil {
			break
		}
		cmd := c.Fetch(imap.UIDSetNum(batch...), opts)
		running++
		go func() {
			n, b, err := drain(cmd)
			if cerr := cmd.Close(); err == nil {
				err = cerr
			}
			results <- result{n, b, err}
		}()
	}
	for running > 0 {
		collect()
	}
	if first != nil {
		return res, fmt.Errorf("floor: fetch: %w", first)
	}
	if err := c.Logout().Wait(); err != nil {
		return res, fmt.Errorf("floor: logout: %w", err)
	}
	res.Elapsed = time.Since(start)
	if res.Fetched != res.Candidates {
		return res, fmt.Errorf("floor: fetched %d bodies of %d candidates", res.Fetched, res.Candidates)
	}
	return res, ctx.Err()
}

// drain reads every body of a fetch command to the end.
func drain(cmd *imapclient.FetchCommand) (n int, bytes int64, err error) {
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil {
				m, err := io.Copy(io.Discard, body.Literal)
				bytes += m
				if err != nil {
					return n, bytes, err
				}
				n++
			}
		}
	}
	return n, bytes, nil
}

// SearchCriteria is the sweep's candidate search: FROM "linkedin.com" OR
// SUBJECT s for each subject, as a balanced tree of ORs.
func SearchCriteria(subjects []string) *imap.SearchCriteria {
	keys := []imap.SearchCriteria{{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: "linkedin.com"}}}}
	for _, s := range subjects {
		keys = append(keys, imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: s}}})
	}
	var tree func([]imap.SearchCriteria) imap.SearchCriteria
	tree = func(k []imap.SearchCriteria) imap.SearchCriteria {
		if len(k) == 1 {
			return k[0]
		}
		mid := len(k) / 2
		return imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{tree(k[:mid]), tree(k[mid:])}}}
	}
	c := tree(keys)
	return &c
}
