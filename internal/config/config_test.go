package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
)

const examplePath = "../../config.example.toml"

// TestExample keeps config.example.toml in step with the code: it loads,
// its [policy] (rules aside) is exactly Defaults(), its actions are the
// default keyword-only ones, and its example rules are real rules.
func TestExample(t *testing.T) {
	f, err := Load(examplePath)
	if err != nil {
		t.Fatalf("Load(%s): %v", examplePath, err)
	}
	got := f.Policy
	rules := got.Rules
	got.Rules = nil
	if want := policy.Defaults(); !reflect.DeepEqual(got, want) {
		t.Errorf("config.example.toml [policy] differs from policy.Defaults():\n got %+v\nwant %+v", got, want)
	}
	if len(rules) == 0 {
		t.Errorf("config.example.toml has no [[policy.rule]] examples")
	}
	if want := Default().Actions; f.Actions != want {
		t.Errorf("config.example.toml actions = %+v, want %+v", f.Actions, want)
	}
	if len(f.Me.Companies) == 0 || f.Me.Name == "" {
		t.Errorf("config.example.toml [me] = %+v, want an example", f.Me)
	}
	// Every setting of the defaults appears in the example, so each is documented there.
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(struct {
		P policy.Config `toml:"policy"`
	}{policy.Defaults()}); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	md, err := toml.Decode(buf.String(), &m)
	if err != nil {
		t.Fatal(err)
	}
	lines := keyLines(data)
	for _, k := range md.Keys() {
		if _, ok := lines[k.String()]; !ok && k.String() != "policy" {
			t.Errorf("config.example.toml does not set %s", k)
		}
	}
}

func TestDefaultValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
}

func TestLoadMergesDefaults(t *testing.T) {
	f, err := parse("c.toml", []byte("[policy.note]\npitch = -9\n[policy.thresholds]\naccept = 6\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	want := policy.Defaults()
	want.Note.Pitch = -9
	want.Thresholds.Accept = 6
	if !reflect.DeepEqual(f.Policy, want) {
		t.Errorf("parse: policy = %+v, want %+v", f.Policy, want)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		toml string
		perm os.FileMode
		want []string // all must appear in the error
	}{
		{"unknown key", "[policy.note]\npitch = -5\nfoo = 1\n", 0o600, []string{"c.toml:3: unknown key policy.note.foo"}},
		{"unknown table", "[policy.colour]\nx = 1\ny = 2\n", 0o600, []string{"c.toml:1: unknown key policy.colour"}},
		{"unknown top-level", "accounts = 1\n", 0o600, []string{"unknown key accounts", "[[account]]"}},
		{"unknown rule key", "[[policy.rule]]\nname = \"a\"\nfield = \"note\"\nmatch = \"x\"\npoints = 1\nweight = 2\n", 0o600, []string{"c.toml:6: unknown key policy.rule.weight"}},
		{"dotted key", "policy.note.foo = 1\n", 0o600, []string{"c.toml:1: unknown key policy.note.foo"}},
		{"bad regexp", "[[policy.rule]]\nname = \"a\"\nfield = \"note\"\nkeywords = [\"x\"]\npoints = 1\n[[policy.rule]]\nname = \"b\"\nfield = \"name\"\nmatch = \"a(\"\npoints = 1\n",
			0o600, []string{"c.toml: policy.rule[1].match: error parsing regexp: missing closing )"}},
		{"thresholds", "[policy.thresholds]\naccept = 10\nignore = 20\n", 0o600, []string{"policy.thresholds: accept (10) must be above ignore (20)"}},
		{"syntax", "[policy.note]\npitch = -1\nnone = = 1\n", 0o600, []string{"c.toml:3:"}},
		{"type", "[policy.note]\npitch = \"very bad\"\n", 0o600, []string{"c.toml:", "line 2", "policy.note.pitch"}},
		{"account name missing", "[[account]]\nhost = \"h\"\n", 0o600, []string{"account[0].name: missing"}},
		{"account name duplicate", "[[account]]\nname = \"a\"\n[[account]]\nname = \"a\"\n", 0o600, []string{`account[1].name: "a" is also the name of account[0]`}},
		{"password world-readable", "[[account]]\nname = \"a\"\npassword = \"hunter2\"\n", 0o644, []string{"account[0].password", "chmod 600 c.toml", "0644"}},
		{"keyword", "[actions.clarify]\nkeyword = \"$Triage clarify\"\n", 0o600, []string{"actions.clarify.keyword", "not a valid IMAP keyword"}},
		{"system flag", "[actions.ignore]\nkeyword = '\\Deleted'\n", 0o600, []string{"actions.ignore.keyword", "system flag"}},
		{"reply template", "[reply]\ntemplate = \"{{.Nope\"\n", 0o600, []string{"reply.template"}},
	}
	for _, tt := range tests {
		_, err := parse("c.toml", []byte(tt.toml), tt.perm)
		if err == nil {
			t.Errorf("%s: parse(%q) = nil error, want %q", tt.name, tt.toml, tt.want)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: parse(%q) = %q, want it to contain %q", tt.name, tt.toml, err, w)
			}
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v does not wrap ErrInvalid", tt.name, err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error shows the password: %v", tt.name, err)
		}
	}
}

func TestPasswordPermissions(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.toml")
	body := []byte("[[account]]\nname = \"a\"\nhost = \"imap.example.com\"\nusername = \"u\"\npassword = \"s3cret\"\n")
	if err := os.WriteFile(p, body, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); !errors.Is(err, ErrPermissions) || !strings.Contains(err.Error(), "chmod 600 "+p) {
		t.Errorf("Load(group-readable file with a password) = %v, want ErrPermissions with the chmod fix", err)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(p)
	if err != nil {
		t.Fatalf("Load(0600 file) = %v", err)
	}
	if len(f.Accounts) != 1 || f.Accounts[0].Host != "imap.example.com" {
		t.Errorf("Load: accounts = %+v", f.Accounts)
	}
	// No password, any mode: fine.
	if err := os.WriteFile(p, []byte("[[account]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword_env = \"X\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err != nil {
		t.Errorf("Load(world-readable file without password) = %v", err)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if !errors.Is(err, os.ErrNotExist) || errors.Is(err, ErrInvalid) {
		t.Errorf("Load(missing) = %v, want a not-exist error that is not ErrInvalid", err)
	}
}

func TestResolve(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("HOME", home)
	t.Setenv("TRIAGE_CONFIG", "")
	if p, def, err := Resolve(""); p != "" || !def || err != nil {
		t.Errorf("Resolve(\"\") with nothing = %q, %v, %v; want \"\", true, nil", p, def, err)
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "triage", "config.toml")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if p, def, err := Resolve(""); p != cfg || def || err != nil {
		t.Errorf("Resolve(\"\") = %q, %v, %v; want %q", p, def, err, cfg)
	}
	t.Setenv("TRIAGE_CONFIG", "/env/c.toml")
	if p, _, _ := Resolve(""); p != "/env/c.toml" {
		t.Errorf("Resolve with TRIAGE_CONFIG = %q", p)
	}
	if p, _, _ := Resolve("/flag/c.toml"); p != "/flag/c.toml" {
		t.Errorf("Resolve(flag) = %q", p)
	}
}

func TestKeyLines(t *testing.T) {
	doc := "a = 1\n[b.c] # comment\nd = \"\"\"\nx = 2\n\"\"\"\n\"e\".f = 3\n[[g]]\nh = 4\n"
	got := keyLines([]byte(doc))
	want := map[string]int{"a": 1, "b.c": 2, "b.c.d": 3, "b.c.e.f": 6, "g": 7, "g.h": 8}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("keyLines(%q) = %v, want %v", doc, got, want)
	}
}

func FuzzLoad(f *testing.F) {
	if data, err := os.ReadFile(examplePath); err == nil {
		f.Add(data)
	}
	f.Add([]byte("[policy.note]\nfoo = 1\n"))
	f.Add([]byte("[[policy.rule]]\nname = \"a\"\nfield = \"note\"\nmatch = \"(\"\npoints = 1\n"))
	f.Add([]byte("[[account]]\nname = \"x\"\nhost = \"h\"\nusername = \"u\"\ntimeout = \"5s\"\n[actions.accept]\nmove_to = \"A\"\nmark_seen = true\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parse("fuzz.toml", data, 0o600)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("parse error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted config does not validate: %v", err)
		}
		// Round trip: what was accepted, written back, is accepted and the same.
		roundTrip(t, cfg)
	})
}

// roundTrip checks that cfg, written back as TOML, loads as the same config.
func roundTrip(t *testing.T, cfg *File) {
	t.Helper()
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(cfg); err != nil {
		t.Fatalf("encoding an accepted config: %v", err)
	}
	again, err := parse("fuzz.toml", buf.Bytes(), 0o600)
	if err != nil {
		t.Fatalf("re-encoded config rejected: %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(cfg, again) {
		t.Fatalf("round trip changed the config:\n%+v\n%+v\n%s", cfg, again, buf.String())
	}
}

func TestRoundTripExample(t *testing.T) {
	f, err := Load(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	f.Accounts = append(f.Accounts, inbox.Account{Name: "x", Host: "h", Username: "u", Timeout: inbox.Duration{Duration: 5e9}})
	roundTrip(t, f)
}

// Relative paths in a config mean the same from any working directory (cron
// starts in HOME): they are relative to the config file's folder.
func TestLoadResolvesPaths(t *testing.T) {
	dir := t.TempDir()
	home := t.TempDir()
	t.Setenv("HOME", home)
	path := filepath.Join(dir, "config.toml")
	data := `state_dir = "state"
[[account]]
name = "a"
host = "127.0.0.1"
tls = "starttls"
username = "u"
tls_ca_file = "~/ca.pem"
[[account]]
name = "b"
host = "mail.example.com"
username = "u"
tls_ca_file = "/etc/ssl/ca.pem"
`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ key, got, want string }{
		{"state_dir", f.StateDir, filepath.Join(dir, "state")},
		{"account[0].tls_ca_file", f.Accounts[0].TLSCAFile, filepath.Join(home, "ca.pem")},
		{"account[1].tls_ca_file", f.Accounts[1].TLSCAFile, "/etc/ssl/ca.pem"},
	} {
		if c.got != c.want {
			t.Errorf("Load: %s = %q, want %q", c.key, c.got, c.want)
		}
	}
}
