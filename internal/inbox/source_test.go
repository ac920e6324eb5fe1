package inbox

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// collected is one item yielded by Read, with the body read in full.
type collected struct {
	source string
	body   []byte
	err    error
}

func collect(t *testing.T, path string) []collected {
	t.Helper()
	var out []collected
	for raw, err := range Read(path) {
		c := collected{source: raw.Source, err: err}
		if err == nil {
			b, rerr := io.ReadAll(raw.Body)
			if rerr != nil {
				t.Fatalf("Read(%q): reading %s: %v", path, raw.Source, rerr)
			}
			c.body = b
		}
		out = append(out, c)
	}
	return out
}

func TestReadEML(t *testing.T) {
	path := "testdata/real/2016-05-single01-a.eml"
	got := collect(t, path)
	want, _ := os.ReadFile(path)
	if len(got) != 1 || got[0].err != nil || got[0].source != path || !bytes.Equal(got[0].body, want) {
		t.Fatalf("Read(%q) = %d items (first source %q, err %v), want the file once", path, len(got), got[0].source, got[0].err)
	}
}

func TestReadMaildir(t *testing.T) {
	got := collect(t, "testdata/maildir")
	var sources []string
	for _, c := range got {
		if c.err != nil {
			t.Errorf("Read(maildir) %s: %v", c.source, c.err)
		}
		sources = append(sources, filepath.Base(filepath.Dir(c.source))+"/"+filepath.Base(c.source))
	}
	want := []string{
		"cur/1700000001.M101P4242.mx.hammant.org,S=21182:2,S",
		"cur/1700000002.M102P4242.mx.hammant.org:2,",
		"new/1700000003.M103P4242.mx.hammant.org",
	}
	if strings.Join(sources, " ") != strings.Join(want, " ") {
		t.Errorf("Read(maildir) sources = %v, want %v", sources, want)
	}
}

// TestReadMaildirBadEntry checks that an unreadable entry in the middle
// yields an error and the rest is still read.
func TestReadMaildirBadEntry(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	good, _ := os.ReadFile("testdata/real/2016-05-single01-a.eml")
	write := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, "cur", name), good, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("1.a:2,S")
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "cur", "2.b:2,S")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "cur", "3.c:2,S"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("4.d:2,S")
	got := collect(t, dir)
	if len(got) != 4 {
		t.Fatalf("Read(maildir with bad entries) = %d items, want 4", len(got))
	}
	for i, wantErr := range []bool{false, true, true, false} {
		if (got[i].err != nil) != wantErr {
			t.Errorf("Read item %d (%s) err = %v, want error %v", i, got[i].source, got[i].err, wantErr)
		}
		if got[i].source == "" {
			t.Errorf("Read item %d has no source", i)
		}
	}
	for _, i := range []int{0, 3} {
		if msg, err := Parse(bytes.NewReader(got[i].body)); err != nil || msg.Invitations[0].Name != "Michael McAuliffe" {
			t.Errorf("Parse(%s) = %v, %v; want Michael McAuliffe", got[i].source, msg.Invitations, err)
		}
	}
}

func TestReadFolderOfEML(t *testing.T) {
	got := collect(t, "testdata/2016")
	if len(got) != 3 {
		t.Fatalf("Read(testdata/2016) = %d items, want 3", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].source >= got[i].source {
			t.Errorf("Read(testdata/2016) not sorted: %s before %s", got[i-1].source, got[i].source)
		}
	}
	empty := t.TempDir()
	if got := collect(t, empty); len(got) != 1 || got[0].err == nil {
		t.Errorf("Read(empty folder) = %v, want one error", got)
	}
	if got := collect(t, filepath.Join(empty, "missing")); len(got) != 1 || !errors.Is(got[0].err, os.ErrNotExist) {
		t.Errorf("Read(missing path) = %v, want one ErrNotExist", got)
	}
}

// TestReadMbox reads a four-message mbox whose second message is garbage:
// every message is yielded, Parse fails only on the bad one, and ">From "
// quoting is undone.
func TestReadMbox(t *testing.T) {
	path := "testdata/mbox/takeout.mbox"
	var sources, kinds []string
	var plain []byte
	for raw, err := range Read(path) {
		if err != nil {
			t.Fatalf("Read(%q) %s: %v", path, raw.Source, err)
		}
		sources = append(sources, raw.Source)
		body, _ := io.ReadAll(raw.Body)
		msg, perr := Parse(bytes.NewReader(body))
		kinds = append(kinds, kindOf(perr))
		if msg.MessageID == "mbox-plain-1@example.org" {
			plain = body
		}
	}
	wantSources := []string{path + "#1", path + "#2", path + "#3", path + "#4"}
	if strings.Join(sources, " ") != strings.Join(wantSources, " ") {
		t.Errorf("Read(%q) sources = %v, want %v", path, sources, wantSources)
	}
	wantKinds := "invitation error not_invitation invitation"
	if strings.Join(kinds, " ") != wantKinds {
		t.Errorf("Parse of Read(%q) = %v, want %s", path, kinds, wantKinds)
	}
	if !bytes.Contains(plain, []byte("\nFrom what I heard")) || !bytes.Contains(plain, []byte("\n>From here it is quoted")) {
		t.Errorf("Read(%q) message 3 = %q, want >From lines unquoted once", path, plain)
	}
}

// TestReadMboxPartialConsumption checks that a consumer may read only part
// of each message (Parse stops at MaxMessageSize+1) and the next message
// still starts at its separator.
func TestReadMboxPartialConsumption(t *testing.T) {
	var mb bytes.Buffer
	for i := 0; i < 3; i++ {
		mb.WriteString("From x@y Thu Nov 14 22:13:20 2023\n")
		mb.WriteString("Subject: m" + string(rune('1'+i)) + "\n\n")
		mb.WriteString(strings.Repeat("line of body text\n", 5000))
		mb.WriteString("\n")
	}
	path := filepath.Join(t.TempDir(), "partial.mbox")
	if err := os.WriteFile(path, mb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for raw, err := range Read(path) {
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 20)
		if _, err := io.ReadFull(raw.Body, buf); err != nil {
			t.Fatal(err)
		}
		subjects = append(subjects, strings.TrimSpace(string(buf[:12])))
	}
	if got := strings.Join(subjects, ","); got != "Subject: m1,Subject: m2,Subject: m3" {
		t.Errorf("Read(partial consumption) = %s, want three messages", got)
	}
}

// TestReadMboxHugeMessage streams a message over MaxMessageSize between
// two normal ones: Parse refuses it with ErrTooLarge and the next message
// is read.
func TestReadMboxHugeMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("writes an 11 MiB file")
	}
	good, err := os.ReadFile("testdata/real/2016-05-single01-b.eml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "huge.mbox")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	sep := "From 1@xxx Thu Nov 14 22:13:20 +0000 2023\n"
	f.WriteString(sep)
	f.Write(good)
	f.WriteString("\n" + sep + "From: Big <invitations@linkedin.com>\nSubject: big\n\n")
	line := strings.Repeat("y", 1000) + "\n"
	for n := 0; n <= MaxMessageSize/len(line)+10; n++ {
		f.WriteString(line)
	}
	f.WriteString("\n" + sep)
	f.Write(good)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for raw, err := range Read(path) {
		if err != nil {
			t.Fatal(err)
		}
		_, perr := Parse(raw.Body)
		kinds = append(kinds, kindOf(perr))
	}
	if got := strings.Join(kinds, " "); got != "invitation too_large invitation" {
		t.Errorf("Read+Parse(huge mbox) = %s, want invitation too_large invitation", got)
	}
}

func TestReadStopsEarly(t *testing.T) {
	n := 0
	for range Read("testdata/mbox/takeout.mbox") {
		n++
		break
	}
	if n != 1 {
		t.Errorf("breaking out of Read yielded %d items, want 1", n)
	}
}
