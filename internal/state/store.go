// Package state is triage's persistent memory: where each sweep stopped in
// each mailbox, every invitation it decided (with the decision, the user's
// review and the actions applied to its message), messages that failed to
// parse, and the lock that keeps two sweeps of an account apart.
//
// # Files
//
// Everything lives in one directory (DefaultDir, mode 0700): a bbolt
// database, state.db (mode 0600), and one lock file per account,
// sweep-<account>.lock (mode 0600).
//
// # Opened per operation
//
// bbolt lets one process at a time open the database for writing (readers
// share it), so a handle kept open for a whole sweep would lock every other
// command out for as long as the network is slow. A Store therefore holds
// no open database: each method (and each View or Update) opens state.db,
// runs one short transaction and closes it again, waiting at most
// Options.Timeout (5 s by default) for another process to finish its own
// transaction, and failing with ErrBusy after that. Callers must not do
// network round trips inside View or Update. Reads open the file read-only
// with a shared lock, so other commands can read side by side
// while no transaction writes. Opening is cheap: BenchmarkIncremental
// (open, read the position, close, open, list pending actions, close, on a
// store of 2,000 invitations) takes about 0.1 ms, so a sweep with nothing
// new costs well under a millisecond of store work. Each write transaction
// ends with an fsync (a few ms on a disk), so a sweep should batch: one
// Update for the invitations of a fetched batch and the new position, one
// for the intents of a batch of actions, one for their confirmations.
//
// # The sweep lock
//
// LockSweep takes an exclusive, non-blocking lock on the account's lock
// file and keeps it for the whole sweep, network included; a second sweep
// of the same account gets ErrLocked at once. The kernel drops the lock when
// the process dies, so a crash leaves no stale lock.
//
// # Layout
//
// Inside state.db, bucket "acct" holds one bucket per account name, each
// with the buckets "pos" (mailbox -> Position), "rec" (record key ->
// Record), "msgid" (Message-ID NUL key -> nothing: which records a message
// carried), "profile" (profile URL -> key), "open" (keys whose action is
// pending or intent -> their "pend" key), "pend" (the open index: action
// state NUL mailbox NUL UIDVALIDITY UID key -> nothing, so the open records
// of a state are read in the order a sweep meets their messages without
// touching the others), "line" ("pend" key -> the pending record's cached
// output line, see LineRenderer), "multi" (the Message-IDs that "msgid"
// has more than one key of -> nothing) and "err" (mailbox NUL UIDVALIDITY
// UID -> ParseError).
// Records are in a compact binary format (see codec.go), which a listing
// decodes some twenty times faster than JSON; records written as JSON by
// schema 2 are read as they are and rewritten in the binary format when
// next saved. Other values are JSON. Bucket "meta" holds the schema
// version. Schema 1 had no "pend" index: opening such a file builds it,
// in one write transaction. Opening a schema 1, 2 or 3 file adds the
// empty "line" buckets and the "multi" ones, built from "msgid". Opening
// a schema 1 to 4 file fills ReminderOf in the reminders' records that
// lack it (schema 5 stores records in formatBinary2) and records schema
// 5, so an older triage refuses the file (ErrNewerSchema) rather than
// failing on the first record in a format it does not know or changing
// records without their lines.
//
// # Exactly once
//
// Each Record carries an Action that moves from pending to intent (the
// planned actions and the message's location are recorded before anything
// is done on the server) and then to done or skipped. A crash after the
// intent leaves it in Unconfirmed, so the next run can look the message up
// by its Message-ID and see whether the action already took effect before
// acting again.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// DefaultTimeout is how long an operation waits for another process's
// transaction before it fails with ErrBusy.
const DefaultTimeout = 5 * time.Second

// DefaultMaxAttempts is how many times a message that fails to parse is
// tried before the sweeps give up on it.
const DefaultMaxAttempts = 3

// schemaVersion is the layout this package reads and writes: 5 stores
// records in formatBinary2 (with ReminderOf), 4 keeps cached lines
// ("line"), 3 stored records in the binary format (2 stored them as JSON,
// 1 lacked the "pend" index).
const schemaVersion = 5

// dbName is the database file inside the state directory.
const dbName = "state.db"

var (
	// ErrBusy reports that another process kept the database for longer
	// than the timeout.
	ErrBusy = errors.New("state store is busy (another triage command is using it)")
	// ErrLocked reports that another sweep of the same account is running.
	ErrLocked = errors.New("another sweep of this account is running")
	// ErrNotFound reports a record key that is not in the store.
	ErrNotFound = errors.New("no such record")
	// ErrState reports an action transition that the record's current
	// action state does not allow (such as done to intent).
	ErrState = errors.New("action state does not allow this")
	// ErrNewerSchema reports a state file written by a newer triage.
	ErrNewerSchema = errors.New("state file was written by a newer version of triage")
)

// Options tune a Store. Zero fields mean the defaults.
type Options struct {
	// Timeout is how long to wait for another process's transaction
	// (DefaultTimeout when zero).
	Timeout time.Duration
	// MaxAttempts is how many parse attempts a message gets
	// (DefaultMaxAttempts when zero).
	MaxAttempts int
	// Now returns the current time (time.Now when nil); tests set it.
	Now func() time.Time
	// Lines, when not nil, renders the line kept with each pending record
	// this Store saves (see LineRenderer); without it, a record saved
	// loses its line.
	Lines LineRenderer
}

// Store is the state directory. It holds no open file: see the package
// documentation. A Store is safe for concurrent use.
type Store struct {
	dir         string
	path        string
	timeout     time.Duration
	maxAttempts int
	now         func() time.Time
	lines       LineRenderer
}

// DefaultDir returns $XDG_STATE_HOME/triage, or ~/.local/state/triage when
// XDG_STATE_HOME is unset or not absolute.
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "triage"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the state directory: %w (set XDG_STATE_HOME or state_dir)", err)
	}
	return filepath.Join(home, ".local", "state", "triage"), nil
}

// Open prepares the store in dir with the default options: it creates dir
// (mode 0700) and state.db (mode 0600) when missing and checks the schema.
// It returns without keeping the database open.
func Open(dir string) (*Store, error) { return OpenOptions(dir, Options{}) }

// OpenOptions is Open with options.
func OpenOptions(dir string, o Options) (*Store, error) {
	if dir == "" {
		return nil, errors.New("open state: empty directory name")
	}
	s := &Store{
		dir:         dir,
		path:        filepath.Join(dir, dbName),
		timeout:     o.Timeout,
		maxAttempts: o.MaxAttempts,
		now:         o.Now,
		lines:       o.Lines,
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.maxAttempts <= 0 {
		s.maxAttempts = DefaultMaxAttempts
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open state: %w", err)
	}
	// A state file left readable by others (restored from a backup, made by
	// hand) is tightened: it holds accept links.
	if fi, err := os.Stat(s.path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(s.path, 0o600); err != nil {
			return nil, fmt.Errorf("open state: %w", err)
		}
	}
	// The common case, an initialised file, costs a read-only open; only a
	// new file pays for a write transaction and its fsync.
	ready, err := s.ready()
	if err != nil {
		return nil, err
	}
	if !ready {
		if err := s.upgrade(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// ready reports whether the file is initialised with the current schema
// (false for a new or empty file and for an older schema).
func (s *Store) ready() (ready bool, err error) {
	if fi, err := os.Stat(s.path); err != nil || fi.Size() == 0 {
		return false, nil
	}
	err = s.View(func(tx *Tx) (err error) {
		ready, err = tx.checkSchema()
		return err
	})
	return ready, err
}

// upgradeRetry is how often upgrade tries again while a sweep holds a lock.
const upgradeRetry = 50 * time.Millisecond

// upgrade initialises the file, or migrates an older schema, while no sweep
// runs: an older triage that is sweeping opened the file before and would
// go on saving in the old layout (without "multi"). It holds every sweep
// lock until the upgrade is committed, so no sweep starts meanwhile. When
// a lock is held it tries again for up to the Store's timeout, since the
// holder may be another triage upgrading the file (done once it lets go),
// and then fails with an error wrapping ErrLocked.
func (s *Store) upgrade() error {
	deadline := time.Now().Add(s.timeout)
	for {
		release, err := s.holdIdleLocks()
		if err == nil {
			defer release()
			return s.Update(func(tx *Tx) error { return tx.init() })
		}
		if !errors.Is(err, ErrLocked) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(upgradeRetry)
		if ready, rerr := s.ready(); rerr != nil || ready {
			return rerr
		}
	}
}

// Dir returns the state directory.
func (s *Store) Dir() string { return s.dir }

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// View runs fn in a read-only transaction. The database is opened with a
// shared lock for the call only, so other readers proceed too. fn must not
// keep tx or block on the network.
func (s *Store) View(fn func(tx *Tx) error) (err error) {
	db, err := s.open(true)
	if err != nil {
		return err
	}
	defer s.close(db, &err)
	return db.View(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx, s: s}) })
}

// Update runs fn in a read-write transaction, committed (and synced to
// disk) when fn returns nil and rolled back otherwise. The database is
// opened exclusively for the call only. fn must not keep tx or block on
// the network.
func (s *Store) Update(fn func(tx *Tx) error) (err error) {
	db, err := s.open(false)
	if err != nil {
		return err
	}
	defer s.close(db, &err)
	return db.Update(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx, s: s}) })
}

func (s *Store) open(readOnly bool) (*bolt.DB, error) {
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: s.timeout, ReadOnly: readOnly})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open state %s: waited %s: %w", s.path, s.timeout, ErrBusy)
	}
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", s.path, err)
	}
	return db, nil
}

type bucket = *bolt.Bucket

// close closes db, also when fn panicked, so the file lock never outlives
// the call; a close error is reported only when nothing failed before.
func (s *Store) close(db *bolt.DB, err *error) {
	if cerr := db.Close(); *err == nil && cerr != nil {
		*err = fmt.Errorf("close state %s: %w", s.path, cerr)
	}
}

// Tx is one transaction on the store, valid only inside the View or Update
// call that made it, and like bbolt's not for concurrent use. Its write
// methods fail in a View.
type Tx struct {
	tx *bolt.Tx
	s  *Store
	// The last account bucket looked up: a listing asks for it once per
	// record, and a read-only bbolt transaction opens a bucket anew (a
	// search and allocations) at every lookup.
	acctName string
	acct     *bolt.Bucket
	// A cursor on that account's "msgid" bucket, made on first use and
	// then only repositioned (Seek), which is valid after writes too: a
	// listing asks VerdictsDisagree once per record, and a new bucket
	// handle and cursor cost a search and several allocations each time.
	msgID *bolt.Cursor
	// That account's "multi" bucket, looked up on first use (multiOK);
	// nil when the file has none.
	multi   *bolt.Bucket
	multiOK bool
	// scratch is reused to build lookup keys.
	scratch []byte
}

var (
	bucketMeta    = []byte("meta")
	bucketAccts   = []byte("acct")
	bucketPos     = []byte("pos")
	bucketRec     = []byte("rec")
	bucketMsgID   = []byte("msgid")
	bucketProfile = []byte("profile")
	bucketOpen    = []byte("open")
	bucketPend    = []byte("pend")
	bucketLine    = []byte("line")
	bucketMulti   = []byte("multi")
	bucketErr     = []byte("err")
	keyVersion    = []byte("version")
)

// checkSchema reports whether the file is initialised with the current
// schema (false for an older one, which init migrates), and fails when a
// newer triage wrote it.
func (t *Tx) checkSchema() (bool, error) {
	n, err := t.version()
	if err != nil || n == 0 {
		return false, err
	}
	return n == schemaVersion && t.tx.Bucket(bucketAccts) != nil, nil
}

// version returns the file's schema version, 0 when it has none yet.
func (t *Tx) version() (int, error) {
	meta := t.tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get(keyVersion)
	if v == nil {
		return 0, nil
	}
	var n int
	if err := json.Unmarshal(v, &n); err != nil {
		return 0, fmt.Errorf("state %s: bad schema version %q: %w", t.s.path, v, err)
	}
	if n > schemaVersion {
		return 0, fmt.Errorf("state %s has schema %d, this triage reads %d: %w", t.s.path, n, schemaVersion, ErrNewerSchema)
	}
	return n, nil
}

func (t *Tx) init() error {
	ok, err := t.checkSchema()
	if err != nil || ok {
		return err
	}
	n, err := t.version()
	if err != nil {
		return err
	}
	if n == 1 && t.tx.Bucket(bucketAccts) != nil {
		if err := t.migrate1(); err != nil {
			return fmt.Errorf("state %s: upgrade schema 1 to %d: %w", t.s.path, schemaVersion, err)
		}
	}
	if n >= 1 && n < 4 && t.tx.Bucket(bucketAccts) != nil {
		// Schema 4 added the "line" bucket, empty until records are
		// saved, and the "multi" bucket. An older triage that is
		// sweeping opened the file before this upgrade and would go on
		// saving without keeping "multi": upgrade holds every sweep
		// lock around this one.
		err := t.tx.Bucket(bucketAccts).ForEachBucket(func(name []byte) error {
			acct := t.tx.Bucket(bucketAccts).Bucket(name)
			if _, err := acct.CreateBucketIfNotExists(bucketLine); err != nil {
				return err
			}
			return buildMulti(acct)
		})
		if err != nil {
			return fmt.Errorf("state %s: upgrade schema %d to %d: %w", t.s.path, n, schemaVersion, err)
		}
	}
	if n >= 1 && n < 5 && t.tx.Bucket(bucketAccts) != nil {
		// Schema 5 records whose reminder each reminder's record is;
		// an older triage would fail on the format of the records it
		// writes, so it refuses the file instead (ErrNewerSchema).
		err := t.tx.Bucket(bucketAccts).ForEachBucket(func(name []byte) error {
			return t.linkReminders(string(name))
		})
		if err != nil {
			return fmt.Errorf("state %s: upgrade schema %d to %d: %w", t.s.path, n, schemaVersion, err)
		}
	}
	meta, err := t.tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("init state: %w", err)
	}
	if err := meta.Put(keyVersion, []byte(fmt.Sprint(schemaVersion))); err != nil {
		return fmt.Errorf("init state: %w", err)
	}
	if _, err := t.tx.CreateBucketIfNotExists(bucketAccts); err != nil {
		return fmt.Errorf("init state: %w", err)
	}
	return nil
}

// account returns the account's bucket, creating it (and its sub-buckets)
// when create is set; otherwise it returns nil for an unknown account.
func (t *Tx) account(name string, create bool) (*bolt.Bucket, error) {
	if name == "" {
		return nil, errors.New("state: empty account name")
	}
	if t.acct != nil && name == t.acctName {
		return t.acct, nil
	}
	root := t.tx.Bucket(bucketAccts)
	if root == nil {
		return nil, fmt.Errorf("state %s: not initialised", t.s.path)
	}
	if b := root.Bucket([]byte(name)); b != nil || !create {
		if b != nil {
			t.setAccount(name, b)
		}
		return b, nil
	}
	b, err := root.CreateBucket([]byte(name))
	if err != nil {
		return nil, fmt.Errorf("account %q: %w", name, err)
	}
	for _, n := range [][]byte{bucketPos, bucketRec, bucketMsgID, bucketProfile, bucketOpen, bucketPend, bucketLine, bucketMulti, bucketErr} {
		if _, err := b.CreateBucket(n); err != nil {
			return nil, fmt.Errorf("account %q: %w", name, err)
		}
	}
	t.setAccount(name, b)
	return b, nil
}

// setAccount makes b, the bucket of account name, the one account caches,
// dropping the cursors made on the previous one.
func (t *Tx) setAccount(name string, b *bolt.Bucket) {
	t.acctName, t.acct, t.msgID, t.multi, t.multiOK = name, b, nil, nil, false
}

// multiBucket returns the "multi" bucket of the account that account
// returned last (non-nil), nil when there is none.
func (t *Tx) multiBucket() *bolt.Bucket {
	if !t.multiOK {
		t.multi, t.multiOK = t.acct.Bucket(bucketMulti), true
	}
	return t.multi
}

// msgIDCursor returns a cursor on the "msgid" bucket of the account that
// account returned last (non-nil). Callers position it with Seek.
func (t *Tx) msgIDCursor() *bolt.Cursor {
	if t.msgID == nil {
		t.msgID = t.acct.Bucket(bucketMsgID).Cursor()
	}
	return t.msgID
}

// Accounts returns the names of the accounts the store knows, sorted.
func (t *Tx) Accounts() ([]string, error) {
	var names []string
	accts := t.tx.Bucket(bucketAccts)
	if accts == nil {
		return nil, nil
	}
	err := accts.ForEachBucket(func(k []byte) error {
		names = append(names, string(k))
		return nil
	})
	return names, err
}

// Accounts returns the names of the accounts the store knows, sorted.
func (s *Store) Accounts() (names []string, err error) {
	err = s.View(func(tx *Tx) error { names, err = tx.Accounts(); return err })
	return names, err
}
