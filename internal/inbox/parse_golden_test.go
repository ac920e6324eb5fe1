package inbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the testdata/**/*.golden.json files")

// golden is what a .golden.json file holds for one .eml fixture.
type golden struct {
	Kind    string  `json:"kind"` // invitation, not_invitation, too_large, error
	Error   string  `json:"error,omitempty"`
	Message Message `json:"message"`
}

func kindOf(err error) string {
	switch {
	case err == nil:
		return "invitation"
	case errors.Is(err, ErrNotInvitation):
		return "not_invitation"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	}
	return "error"
}

// fixtures lists every .eml file under testdata.
func fixtures(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".eml") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures under testdata")
	}
	return files
}

// TestParseGolden parses every fixture and compares the result with its
// golden file; the golden files are the specification of the parser.
func TestParseGolden(t *testing.T) {
	for _, path := range fixtures(t) {
		if strings.HasPrefix(path, filepath.Join("testdata", "blind")+string(filepath.Separator)) {
			continue // hand-written expectations, scored by TestParseBlind
		}
		t.Run(strings.TrimPrefix(path, "testdata/"), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			msg, err := Parse(f)
			g := golden{Kind: kindOf(err), Message: msg}
			if err != nil && g.Kind == "error" {
				g.Error = err.Error()
			}
			got, jerr := json.MarshalIndent(g, "", "  ")
			if jerr != nil {
				t.Fatal(jerr)
			}
			got = append(got, '\n')
			goldenPath := strings.TrimSuffix(path, ".eml") + ".golden.json"
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Parse(%q) differs from %s:\n got: %s\nwant: %s", path, goldenPath, got, want)
			}
		})
	}
}
