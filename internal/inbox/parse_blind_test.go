package inbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// blindFields are the invitation fields the blind evaluation scores, each
// with the way to read it as text.
var blindFields = []struct {
	name string
	get  func(Invitation) string
}{
	{"Name", func(i Invitation) string { return i.Name }},
	{"FirstName", func(i Invitation) string { return i.FirstName }},
	{"Headline", func(i Invitation) string { return i.Headline }},
	{"Title", func(i Invitation) string { return i.Title }},
	{"Company", func(i Invitation) string { return i.Company }},
	{"Location", func(i Invitation) string { return i.Location }},
	{"Note", func(i Invitation) string { return i.Note }},
	{"DefaultNote", func(i Invitation) string { return fmt.Sprint(i.DefaultNote) }},
	{"MutualConnections", func(i Invitation) string { return intText(i.MutualConnections) }},
	{"ProfileURL", func(i Invitation) string { return i.ProfileURL }},
	{"InvitationID", func(i Invitation) string { return i.InvitationID }},
	{"Reminder", func(i Invitation) string { return fmt.Sprint(i.Reminder) }},
}

func intText(n *int) string {
	if n == nil {
		return "null"
	}
	return fmt.Sprint(*n)
}

// TestParseBlind scores the parser on testdata/blind: emails modelled on real
// LinkedIn mail found in public sources (see testdata/blind/README.md), whose
// .golden.json expectations were written by hand before the parser ran on
// them. -update never rewrites them. The test logs field-level and
// message-level accuracy and fails on every field that differs.
func TestParseBlind(t *testing.T) {
	paths, err := filepath.Glob("testdata/blind/*.eml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no blind fixtures: %v", err)
	}
	var fieldsRight, fieldsTotal, msgsRight int
	for _, path := range paths {
		raw, err := os.ReadFile(strings.TrimSuffix(path, ".eml") + ".golden.json")
		if err != nil {
			t.Fatal(err)
		}
		var want golden
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		msg, err := parseFile(t, path)
		ok := true
		fieldsTotal++ // the kind of message counts as one field
		if got := kindOf(err); got != want.Kind {
			ok = false
			t.Errorf("Parse(%q) kind = %s (%v), want %s", path, got, err, want.Kind)
		} else {
			fieldsRight++
		}
		for i, w := range want.Message.Invitations {
			var g Invitation
			if i < len(msg.Invitations) {
				g = msg.Invitations[i]
			}
			for _, f := range blindFields {
				fieldsTotal++
				if gv, wv := f.get(g), f.get(w); gv != wv {
					ok = false
					t.Errorf("Parse(%q) invitation %d %s = %q, want %q", path, i, f.name, gv, wv)
					continue
				}
				fieldsRight++
			}
		}
		if n, w := len(msg.Invitations), len(want.Message.Invitations); n > w {
			ok = false
			fieldsTotal += n - w // each extra invitation is one wrong field
			t.Errorf("Parse(%q) = %d invitations, want %d", path, n, w)
		}
		if ok {
			msgsRight++
		}
	}
	t.Logf("blind accuracy: fields %d/%d (%.1f%%), messages %d/%d (%.1f%%)",
		fieldsRight, fieldsTotal, 100*float64(fieldsRight)/float64(fieldsTotal),
		msgsRight, len(paths), 100*float64(msgsRight)/float64(len(paths)))
}
