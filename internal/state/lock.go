package state

import (
	"fmt"
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
	path := filepath.Join(s.dir, "sweep-"+lockName(account)+".lock")
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
		holder := ""
		if b, err := os.ReadFile(path); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				holder = fmt.Sprintf(" (pid %d)", pid)
			}
		}
		f.Close()
		return nil, fmt.Errorf("account %q%s: %w", account, holder, ErrLocked)
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
