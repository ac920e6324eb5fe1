// Package config finds, reads and validates triage's TOML configuration
// file: who the user is ([me]), the acceptance policy ([policy]), reply
// drafts ([reply]), IMAP accounts ([[account]]) and what a sweep does per
// verdict ([actions.*]). Decoding is strict: an unknown key is an error
// naming the key, and every validation error names the key it is about.
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/triagehq/triage/internal/inbox"
	"github.com/triagehq/triage/internal/policy"
	"github.com/triagehq/triage/internal/reply"
)

// MaxSize is the largest config file Load reads.
const MaxSize = 1 << 20

var (
	// ErrInvalid wraps every error about the config's contents: syntax,
	// unknown keys, bad values. The CLI maps it to exit code 1.
	ErrInvalid = errors.New("invalid config")
	// ErrPermissions reports a config that holds a password while other
	// users may read it. It is also an ErrInvalid.
	ErrPermissions = errors.New("config file holding a password is readable by others")
)

// File is the whole configuration file.
type File struct {
	Me       policy.Me       `toml:"me"`
	Policy   policy.Config   `toml:"policy"`
	Reply    reply.Config    `toml:"reply"`
	Accounts []inbox.Account `toml:"account"`
	Actions  Actions         `toml:"actions"`
	// StateDir holds triage's state; empty means $XDG_STATE_HOME/triage.
	StateDir string `toml:"state_dir"`
}

// Actions says what `sweep --apply` does to the message of an invitation,
// per verdict.
type Actions struct {
	Accept     inbox.Action `toml:"accept"`
	Ignore     inbox.Action `toml:"ignore"`
	Clarify    inbox.Action `toml:"clarify"`
	Suspicious inbox.Action `toml:"suspicious"`
}

// For returns the action for a verdict.
func (a Actions) For(v policy.Verdict) inbox.Action {
	switch v {
	case policy.Accept:
		return a.Accept
	case policy.Ignore:
		return a.Ignore
	case policy.Suspicious:
		return a.Suspicious
	}
	return a.Clarify
}

// Default returns the built-in configuration: the default policy, the
// built-in reply, no accounts, and keyword-only actions.
func Default() *File {
	return &File{
		Policy: policy.Defaults(),
		Actions: Actions{
			Accept:     inbox.Action{Keyword: "$Triage_accept"},
			Ignore:     inbox.Action{Keyword: "$Triage_ignore"},
			Clarify:    inbox.Action{Keyword: "$Triage_clarify"},
			Suspicious: inbox.Action{Keyword: "$Triage_suspicious"},
		},
	}
}

// Resolve finds the config file: the --config flag, else $TRIAGE_CONFIG,
// else os.UserConfigDir()/triage/config.toml when it exists. When there is
// none it returns "" and fromDefault = true: the caller uses Default (and
// says so on stderr).
func Resolve(flag string) (path string, fromDefault bool, err error) {
	if flag != "" {
		return flag, false, nil
	}
	if env := os.Getenv("TRIAGE_CONFIG"); env != "" {
		return env, false, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", true, nil // no home directory: nothing to find
	}
	p := filepath.Join(dir, "triage", "config.toml")
	switch _, err := os.Stat(p); {
	case err == nil:
		return p, false, nil
	case errors.Is(err, fs.ErrNotExist):
		return "", true, nil
	default:
		return "", false, fmt.Errorf("config: %w", err)
	}
}

// Load reads and validates the config file at path. Settings it leaves
// out keep their built-in defaults. Errors name the file, the key's full
// name and, where the decoder gives one, the line; all but I/O errors wrap
// ErrInvalid.
func Load(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("config %s: is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(fh, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, invalidf(nil, "%s: larger than %d bytes", path, MaxSize)
	}
	f, err := parse(path, data, st.Mode().Perm())
	if err != nil {
		return nil, err
	}
	if err := f.resolvePaths(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return f, nil
}

// resolvePaths makes the file paths in f absolute: "~/" means the home
// directory, and a relative path is relative to dir, the config file's
// folder, so a config means the same under cron as in a shell.
func (f *File) resolvePaths(dir string) error {
	fix := func(key string, p *string) error {
		switch {
		case *p == "" || filepath.IsAbs(*p):
		case strings.HasPrefix(*p, "~/"):
			home, err := os.UserHomeDir()
			if err != nil {
				return invalidf(err, "%s %q: %v", key, *p, err)
			}
			*p = filepath.Join(home, (*p)[2:])
		default:
			abs, err := filepath.Abs(filepath.Join(dir, *p))
			if err != nil {
				return invalidf(err, "%s %q: %v", key, *p, err)
			}
			*p = abs
		}
		return nil
	}
	if err := fix("state_dir", &f.StateDir); err != nil {
		return err
	}
	for i := range f.Accounts {
		if err := fix(fmt.Sprintf("account[%d].tls_ca_file", i), &f.Accounts[i].TLSCAFile); err != nil {
			return err
		}
	}
	return nil
}

// Parse decodes and validates a config held in memory (the embedded
// example, for instance); name is used in error messages. Permission checks
// are skipped: data has no file mode.
func Parse(name string, data []byte) (*File, error) { return parse(name, data, 0o600) }

// parse decodes data (the contents of the file name, with permission bits
// perm) on top of Default and validates it.
func parse(name string, data []byte, perm fs.FileMode) (*File, error) {
	f := Default()
	md, err := toml.NewDecoder(strings.NewReader(string(data))).Decode(f)
	if err != nil {
		return nil, decodeError(name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, unknownKeys(name, data, und)
	}
	if err := f.validate(name, perm); err != nil {
		return nil, err
	}
	return f, nil
}

// Validate checks a File built in code the way Load checks a file; perm
// checks are skipped.
func (f *File) Validate() error { return f.validate("config", 0o600) }

func (f *File) validate(name string, perm fs.FileMode) error {
	var errs []error
	if _, err := policy.New(f.Policy, f.Me); err != nil {
		errs = append(errs, err)
	}
	if _, err := reply.New(f.Reply); err != nil {
		errs = append(errs, err)
	}
	seen := map[string]int{}
	for i, a := range f.Accounts {
		key := fmt.Sprintf("account[%d]", i)
		switch j, dup := seen[a.Name]; {
		case strings.TrimSpace(a.Name) == "":
			errs = append(errs, fmt.Errorf("%s.name: missing: --account picks accounts by name", key))
		case dup:
			errs = append(errs, fmt.Errorf("%s.name: %q is also the name of account[%d]", key, a.Name, j))
		default:
			seen[a.Name] = i
		}
		if err := a.Validate(); err != nil {
			faults := []error{err}
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				faults = j.Unwrap()
			}
			for _, e := range faults {
				errs = append(errs, fmt.Errorf("%s.%w", key, e))
			}
		}
		if a.Password != "" && perm&0o077 != 0 {
			errs = append(errs, fmt.Errorf("%s.password: %w: %s has mode %04o; run: chmod 600 %s (or use password_command or password_env)",
				key, ErrPermissions, name, perm, shellQuote(name)))
		}
	}
	for _, act := range []struct {
		key string
		a   inbox.Action
	}{{"accept", f.Actions.Accept}, {"ignore", f.Actions.Ignore}, {"clarify", f.Actions.Clarify}, {"suspicious", f.Actions.Suspicious}} {
		if err := checkKeyword(act.a.Keyword); err != nil {
			errs = append(errs, fmt.Errorf("actions.%s.keyword: %w", act.key, err))
		}
		for _, mb := range []struct{ key, v string }{{"move_to", act.a.MoveTo}, {"copy_to", act.a.CopyTo}} {
			if mb.v != "" && strings.TrimSpace(mb.v) == "" || strings.ContainsAny(mb.v, "\r\n\x00") {
				errs = append(errs, fmt.Errorf("actions.%s.%s: %q is not a mailbox name", act.key, mb.key, mb.v))
			}
		}
	}
	if len(errs) > 0 {
		return invalidf(errors.Join(errs...), "%s: %v", name, errors.Join(errs...))
	}
	return nil
}

// checkKeyword checks an IMAP keyword (an atom, RFC 3501 section 9 flag-keyword).
func checkKeyword(k string) error {
	if k == "" {
		return nil
	}
	if strings.HasPrefix(k, `\`) {
		return fmt.Errorf("%q is a system flag; use a keyword such as $Triage_clarify", k)
	}
	for _, r := range k {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`(){%*"\]`, r) {
			return fmt.Errorf("%q is not a valid IMAP keyword (printable ASCII, no spaces or (){%%*\"\\])", k)
		}
	}
	return nil
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '~' ||
			r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// configError is an error about the config's contents.
type configError struct {
	msg string
	err error // may be nil
}

func (e *configError) Error() string { return e.msg }
func (e *configError) Unwrap() []error {
	if e.err == nil {
		return []error{ErrInvalid}
	}
	return []error{ErrInvalid, e.err}
}

func invalidf(wrapped error, format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...), err: wrapped}
}

// decodeError turns a decoder error into "FILE:LINE: message".
func decodeError(name string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.LastKey != "" && !strings.Contains(msg, pe.LastKey) {
			msg = fmt.Sprintf("%s: %s", pe.LastKey, msg)
		}
		return invalidf(err, "%s:%d: %s", name, pe.Position.Line, msg)
	}
	// Type mismatches read "toml: line 5 (last key "x.y"): ...".
	return invalidf(err, "%s: %s", name, strings.TrimPrefix(err.Error(), "toml: "))
}

// unknownKeys reports keys the File has no place for, by full name, with
// the line each is defined on (found by scanning the text, since the
// decoder does not keep positions of undecoded keys).
func unknownKeys(name string, data []byte, keys []toml.Key) error {
	all := map[string]bool{}
	for _, k := range keys {
		all[k.String()] = true
	}
	lines := keyLines(data)
	var msgs []string
	for _, k := range keys {
		// Report [policy.foo] once, not each of its keys too.
		top := true
		for i := 1; i < len(k); i++ {
			if all[k[:i].String()] {
				top = false
			}
		}
		if !top {
			continue
		}
		full := k.String()
		hint := suggest(k)
		if ln, ok := lines[full]; ok {
			msgs = append(msgs, fmt.Sprintf("%s:%d: unknown key %s%s", name, ln, full, hint))
		} else {
			msgs = append(msgs, fmt.Sprintf("%s: unknown key %s%s", name, full, hint))
		}
	}
	return invalidf(nil, "%s", strings.Join(msgs, "\n"))
}

// suggest names a likely intended key for common mistakes.
func suggest(k toml.Key) string {
	if len(k) == 0 {
		return ""
	}
	switch last := k[len(k)-1]; {
	case len(k) == 1 && (last == "accounts" || last == "imap"):
		return " (accounts are [[account]] tables)"
	case len(k) >= 2 && k[0] == "policy" && k[1] == "rules":
		return " (user rules are [[policy.rule]] tables)"
	}
	return ""
}

// keyLines maps the full name of each key defined in a TOML document to
// its line. It understands table headers, arrays of tables, dotted and
// quoted keys; array-of-table indexes are dropped, as in toml.Key.
func keyLines(data []byte) map[string]int {
	out := map[string]int{}
	table := ""
	inMulti := "" // inside a multi-line string opened with this delimiter
	for i, line := range strings.Split(string(data), "\n") {
		ln := i + 1
		t := strings.TrimSpace(line)
		if inMulti != "" {
			if strings.Count(t, inMulti)%2 == 1 {
				inMulti = ""
			}
			continue
		}
		if t == "" || t[0] == '#' {
			continue
		}
		if t[0] == '[' {
			h := strings.Trim(strings.SplitN(t, "#", 2)[0], " \t")
			h = strings.TrimSpace(strings.Trim(h, "[]"))
			table = normKey(h)
			if _, ok := out[table]; !ok {
				out[table] = ln
			}
			continue
		}
		eq := strings.IndexByte(t, '=')
		if eq < 0 {
			continue
		}
		key := normKey(t[:eq])
		if table != "" {
			key = table + "." + key
		}
		if _, ok := out[key]; !ok {
			out[key] = ln
		}
		rest := t[eq+1:]
		for _, d := range []string{`"""`, `'''`} {
			if strings.Count(rest, d)%2 == 1 {
				inMulti = d
			}
		}
	}
	return out
}

// normKey writes a TOML key as toml.Key.String does for simple keys.
func normKey(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), ".")
}
