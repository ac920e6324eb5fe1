package state

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// LockSweep takes the sweep lock of account, held until unlock is called
// or the process ends. When another sweep (in this or another process)
// holds it, LockSweep fails at once with an error wrapping ErrLocked that
// names the holder's process ID when known. The lock is a separate file,
// so holding it for a whole sweep does not keep other commands from the
// database.
func (s *Store) LockSweep(account string) (unlock func() error, err error) {
	if account == "" {
		return nil, fmt.Errorf("sweep lock: empty account name")
	}
	path := s.lockPath(account)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sweep lock of account %q: %w", account, err)
	}
	locked, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("sweep lock of account %q: %w", account, err)
	}
	if !locked {
		f.Close()
		return nil, fmt.Errorf("account %q%s: %w", account, lockHolder(path), ErrLocked)
	}
	// The holder's pid, for the message above; a failure here is harmless.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	var once sync.Once
	return func() error {
		err := os.ErrClosed
		once.Do(func() {
			_ = f.Truncate(0)
			err = unlockFile(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				err = fmt.Errorf("sweep unlock of account %q: %w", account, err)
			}
		})
		return err
	}, nil
}

func (s *Store) lockPath(account string) string {
	return filepath.Join(s.dir, "sweep-"+lockName(account)+".lock")
}

// lockHolder names the process holding the lock file at path, as
// " (pid N)", or returns "" when the file does not say.
func lockHolder(path string) string {
	if b, err := os.ReadFile(path); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			return fmt.Sprintf(" (pid %d)", pid)
		}
	}
	return ""
}

// upgradeLockedError reports a schema upgrade refused while a sweep holds
// an account's lock; it is an ErrLocked.
type upgradeLockedError struct {
	path    string // the state file
	account string
	holder  string // " (pid N)" or ""
}

func (e *upgradeLockedError) Error() string {
	return fmt.Sprintf("state %s: cannot upgrade it to schema %d while a sweep of account %q%s runs (an older triage's, most likely); run triage again once it has ended",
		e.path, schemaVersion, e.account, e.holder)
}

func (e *upgradeLockedError) Unwrap() error { return ErrLocked }

// holdIdleLocks takes every sweep lock file in the directory, for a schema
// upgrade: an older triage sweeping while the file is upgraded would go on
// writing in the old layout. It fails with an upgradeLockedError,
// releasing what it took, when a sweep holds one; release lets go of them
// all.
func (s *Store) holdIdleLocks() (release func(), err error) {
	var held []*os.File
	release = func() {
		for _, f := range held {
			_ = unlockFile(f)
			f.Close()
		}
	}
	paths, err := filepath.Glob(filepath.Join(s.dir, "sweep-*.lock"))
	if err != nil {
		return nil, err
	}
	for _, path := range paths {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			release()
			return nil, fmt.Errorf("sweep lock %s: %w", path, err)
		}
		locked, err := tryLock(f)
		if err != nil || !locked {
			f.Close()
			release()
			if err != nil {
				return nil, fmt.Errorf("sweep lock %s: %w", path, err)
			}
			name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "sweep-"), ".lock")
			return nil, &upgradeLockedError{path: s.path, account: accountOfLockName(name), holder: lockHolder(path)}
		}
		held = append(held, f)
	}
	return release, nil
}

// accountOfLockName undoes lockName, whose %XX escapes are URL escapes.
func accountOfLockName(name string) string {
	if account, err := url.PathUnescape(name); err == nil {
		return account
	}
	return name
}

// lockName turns an account name into a file name part: letters, digits,
// '-' and '_' stay, every other byte becomes %XX, so distinct names give
// distinct files and no name escapes the directory.
func lockName(account string) string {
	var b strings.Builder
	for i := 0; i < len(account); i++ {
		c := account[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
