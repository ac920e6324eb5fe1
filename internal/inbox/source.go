package inbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Raw is one message read from a file source, not yet parsed.
type Raw struct {
	// Source names the message for the user: the file path, or "path#N"
	// for the Nth message (from 1) of an mbox file.
	Source string
	// Body is the raw RFC 5322 message. It is valid only until the next
	// iteration.
	Body io.Reader
}

// Read yields the messages stored at path, which is a single message file
// (.eml), a Maildir folder (cur/ and new/, each sorted by file name), a
// folder of .eml files, or an mbox file (recognised by a first line that
// starts with "From "; mboxrd and mboxo ">From " quoting is undone).
//
// Each message is yielded as (Raw, nil). A message that cannot be read is
// yielded as (Raw{Source: ...}, err) and the iteration goes on with the
// next one. mbox files are streamed: no message is held in memory by Read,
// so a huge message costs only the time to skip it.
func Read(path string) iter.Seq2[Raw, error] {
	return func(yield func(Raw, error) bool) {
		fi, err := os.Stat(path)
		if err != nil {
			yield(Raw{Source: path}, err)
			return
		}
		if fi.IsDir() {
			readDir(path, yield)
			return
		}
		readFile(path, yield)
	}
}

// readFile yields the single message, or the messages of the mbox, in the
// file at path.
func readFile(path string, yield func(Raw, error) bool) bool {
	f, err := os.Open(path)
	if err != nil {
		return yield(Raw{Source: path}, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, err := br.Peek(5)
	if err != nil && !errors.Is(err, io.EOF) {
		return yield(Raw{Source: path}, fmt.Errorf("reading %s: %w", path, err))
	}
	if string(head) == "From " {
		return readMbox(path, br, yield)
	}
	return yield(Raw{Source: path, Body: br}, nil)
}

// readDir yields the messages of a Maildir (cur/ and new/) or of a folder
// of .eml files.
func readDir(path string, yield func(Raw, error) bool) {
	var files []string
	maildir := false
	for _, sub := range []string{"cur", "new"} {
		dir := filepath.Join(path, sub)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		maildir = true
		if err != nil {
			if !yield(Raw{Source: dir}, err) {
				return
			}
			continue
		}
		var names []string
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		for _, n := range names {
			files = append(files, filepath.Join(dir, n))
		}
	}
	if !maildir {
		entries, err := os.ReadDir(path)
		if err != nil {
			yield(Raw{Source: path}, err)
			return
		}
		for _, e := range entries {
			if strings.EqualFold(filepath.Ext(e.Name()), ".eml") {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		sort.Strings(files)
		if len(files) == 0 {
			yield(Raw{Source: path}, fmt.Errorf("%s: not a Maildir (no cur/ or new/) and holds no .eml files", path))
			return
		}
	}
	for _, file := range files {
		if !readMessageFile(file, yield) {
			return
		}
	}
}

// readMessageFile yields the one message in a Maildir or folder entry.
func readMessageFile(file string, yield func(Raw, error) bool) bool {
	fi, err := os.Stat(file)
	if err != nil {
		return yield(Raw{Source: file}, err)
	}
	if !fi.Mode().IsRegular() {
		return yield(Raw{Source: file}, fmt.Errorf("%s: not a regular file", file))
	}
	f, err := os.Open(file)
	if err != nil {
		return yield(Raw{Source: file}, err)
	}
	defer f.Close()
	return yield(Raw{Source: file, Body: f}, nil)
}

// readMbox yields the messages of an mbox file one at a time, each as a
// reader over the shared buffered file, so that no message is held whole.
func readMbox(path string, br *bufio.Reader, yield func(Raw, error) bool) bool {
	m := &mboxReader{br: br}
	m.skipLine() // the first "From " separator
	for n := 1; m.err == nil; n++ {
		src := path + "#" + strconv.Itoa(n)
		msg := &mboxMessage{m: m}
		m.sep = false
		if !yield(Raw{Source: src, Body: msg}, nil) {
			return false
		}
		// Skip what the consumer left unread, without keeping it.
		if _, err := io.Copy(io.Discard, msg); err != nil {
			return yield(Raw{Source: src}, fmt.Errorf("reading %s: %w", src, err))
		}
		if !m.sep {
			break
		}
	}
	if m.err != nil && !errors.Is(m.err, io.EOF) {
		return yield(Raw{Source: path}, fmt.Errorf("reading %s: %w", path, m.err))
	}
	return true
}

// mboxReader splits an mbox stream at its "From " separator lines.
type mboxReader struct {
	br  *bufio.Reader
	err error // sticky; io.EOF at the end of the file
	sep bool  // the current message ended at a separator line
}

// piece reads the next piece of a line: a whole line, or a buffer's worth
// of a longer one (full is false then).
func (m *mboxReader) piece() (b []byte, full bool) {
	b, err := m.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return b, false
	}
	if err != nil {
		m.err = err
	}
	return b, true
}

// skipLine discards the rest of the current line.
func (m *mboxReader) skipLine() {
	for m.err == nil {
		if _, full := m.piece(); full {
			return
		}
	}
}

// mboxMessage reads one message of an mbox: up to the next line starting
// with "From ", undoing ">From " quoting (mboxrd: one ">" is removed from
// any line matching ^>+From ).
type mboxMessage struct {
	m       *mboxReader
	buf     []byte // the rest of the current piece, valid until the next piece
	done    bool
	midLine bool // the next piece continues a line
}

func (mm *mboxMessage) Read(p []byte) (int, error) {
	m := mm.m
	for len(mm.buf) == 0 {
		if mm.done || m.err != nil {
			mm.done = true
			if m.err != nil && !errors.Is(m.err, io.EOF) {
				return 0, m.err
			}
			return 0, io.EOF
		}
		b, full := m.piece()
		lineStart := !mm.midLine
		mm.midLine = !full
		if lineStart && bytes.HasPrefix(b, []byte("From ")) {
			if !full {
				m.skipLine()
			}
			m.sep = true
			mm.done = true
			return 0, io.EOF
		}
		if lineStart && len(b) > 0 && b[0] == '>' && bytes.HasPrefix(bytes.TrimLeft(b, ">"), []byte("From ")) {
			b = b[1:]
		}
		mm.buf = b
	}
	n := copy(p, mm.buf)
	mm.buf = mm.buf[n:]
	return n, nil
}
