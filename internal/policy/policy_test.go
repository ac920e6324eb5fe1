package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/triagehq/triage/internal/inbox"
)

func intp(n int) *int { return &n }

func testPolicy(t *testing.T, edit func(*Config)) *Policy {
	t.Helper()
	cfg := Defaults()
	cfg.Industry.Prefer = []string{"observability", "SRE", "platform engineering"}
	cfg.Known.Names = []string{"Ada Lovelace"}
	cfg.Known.Profiles = []string{"https://www.linkedin.com/in/grace-hopper/"}
	if edit != nil {
		edit(&cfg)
	}
	p, err := New(cfg, corpusMe)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func reasonRules(d Decision) []string {
	var r []string
	for _, x := range d.Reasons {
		r = append(r, x.Rule)
	}
	return r
}

func TestDecide(t *testing.T) {
	userRule := func(c *Config) {
		c.Rules = []Rule{{Name: "recruiters", Field: "headline", Keywords: []string{"recruiter", "talent acquisition"}, Points: -2}}
	}
	tests := []struct {
		name      string
		edit      func(*Config)
		inv       inbox.Invitation
		want      Verdict
		wantRules []string // must all be present
		wantLION  bool
		wantKnown bool
	}{
		{
			name: "LION with a default note",
			inv: inbox.Invitation{Name: "Bob Smith (LION)", Headline: "Open networker | 30K+ connections | bob@example.com",
				Note: "I'd like to join your LinkedIn network.", DefaultNote: true, MutualConnections: intp(2)},
			want: Ignore, wantRules: []string{"note.default", "lion", "mutual", "connections.unknown"}, wantLION: true,
		},
		{
			name: "pitch",
			inv: inbox.Invitation{Name: "Raj Patel", Headline: "Founder at CloudNine", Title: "Founder", Company: "CloudNine",
				Note:              "Hi Paul, at CloudNine we help engineering teams like yours reduce incident response time. Would you be open to a quick 15-minute call next Tuesday?",
				MutualConnections: intp(4)},
			want: Ignore, wantRules: []string{"note.pitch", "mutual"},
		},
		{
			name: "personalised note from a target industry with 12 mutuals",
			inv: inbox.Invitation{Name: "Sarah Kim", Headline: "SRE lead at Monzo", Title: "SRE lead", Company: "Monzo",
				Note:              "Hi Paul, I enjoyed your talk on sampling at GopherCon UK last month. We're fighting the same cardinality issues.",
				MutualConnections: intp(12), Connections: intp(800), Location: "London"},
			want: Accept, wantRules: []string{"note.personalised", "mutual", "industry.prefer", "connections.many"},
		},
		{
			name: "default note, no mutual connections",
			inv:  inbox.Invitation{Name: "Jo Bloggs", Headline: "Student", Note: "I'd like to join your LinkedIn network.", DefaultNote: true, MutualConnections: intp(0)},
			want: Ignore, wantRules: []string{"note.default", "mutual.zero", "connections.unknown"},
		},
		{
			name: "no note, three mutuals: ask",
			inv:  inbox.Invitation{Name: "Sam Lee", Headline: "Engineer at Acme", MutualConnections: intp(3)},
			want: Clarify, wantRules: []string{"note.none", "mutual"},
		},
		{
			name: "known contact who pitches is still accepted",
			inv: inbox.Invitation{Name: "Ada  Lovelace", Headline: "Consultant",
				Note: "We help companies like yours grow revenue. Book a demo: https://calendly.com/ada"},
			want: Accept, wantRules: []string{"known", "note.pitch"}, wantKnown: true,
		},
		{
			name: "known profile URL",
			inv:  inbox.Invitation{Name: "G. Hopper", ProfileURL: "https://www.linkedin.com/in/Grace-Hopper/", MutualConnections: intp(0)},
			want: Accept, wantRules: []string{"known"}, wantKnown: true,
		},
		{
			name: "coworker with the stock note",
			inv: inbox.Invitation{Name: "Priya Shah", Headline: "Data Engineer at Northwind Analytics", Title: "Data Engineer",
				Company: "Northwind Analytics", Note: "I'd like to join your LinkedIn network.", DefaultNote: true, MutualConnections: intp(5), Location: "Leeds, England"},
			want: Accept, wantRules: []string{"coworker", "location", "mutual"},
		},
		{
			name: "user rule",
			edit: userRule,
			inv:  inbox.Invitation{Name: "Tina Turner", Headline: "Senior Technical Recruiter", Note: "Hi, I have exciting opportunities that match your profile. Let's connect!", MutualConnections: intp(1)},
			want: Ignore, wantRules: []string{"note.generic", "recruiters", "mutual"},
		},
		{
			name: "avoided industry",
			inv:  inbox.Invitation{Name: "Max Profit", Headline: "Forex mentor | financial freedom", MutualConnections: intp(1)},
			want: Ignore, wantRules: []string{"industry.avoid", "note.none"},
		},
		{
			name: "connection count over the LION cap",
			inv:  inbox.Invitation{Name: "Wide Net", Headline: "Consultant", Connections: intp(25000), MutualConnections: intp(3)},
			want: Ignore, wantRules: []string{"lion", "connections.many"}, wantLION: true,
		},
		{
			name: "few connections",
			inv:  inbox.Invitation{Name: "New Person", Headline: "Engineer", Connections: intp(12), MutualConnections: intp(0)},
			want: Ignore, wantRules: []string{"connections.few"},
		},
		{
			name: "reminder of a generic note with unknown mutuals",
			edit: func(c *Config) { c.Reminder.Points = 1 },
			inv:  inbox.Invitation{Name: "Vague Person", Headline: "Professional", Note: "I came across your profile and was impressed. Let's connect!", Reminder: true},
			want: Clarify, wantRules: []string{"note.generic", "reminder"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPolicy(t, tt.edit)
			d := p.Decide(tt.inv)
			if d.Verdict != tt.want {
				t.Errorf("Decide(%s) = %v (score %d, %v), want %v", tt.inv.Name, d.Verdict, d.Score, d.Reasons, tt.want)
			}
			got := reasonRules(d)
			for _, r := range tt.wantRules {
				if !contains(got, r) {
					t.Errorf("Decide(%s) reasons %v, want one from %q", tt.inv.Name, got, r)
				}
			}
			if d.LION != tt.wantLION || d.Known != tt.wantKnown {
				t.Errorf("Decide(%s) LION=%v Known=%v, want %v %v", tt.inv.Name, d.LION, d.Known, tt.wantLION, tt.wantKnown)
			}
			sum := 0
			for _, r := range d.Reasons {
				sum += r.Points
				if r.Why == "" || r.Rule == "" {
					t.Errorf("reason %+v lacks a rule or a why", r)
				}
			}
			if sum != d.Score {
				t.Errorf("Decide(%s): reasons add up to %d, score is %d", tt.inv.Name, sum, d.Score)
			}
		})
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestUnknownConnectionsNamed(t *testing.T) {
	p := testPolicy(t, func(c *Config) { c.Connections.Unknown = -1 })
	d := p.Decide(inbox.Invitation{Name: "X Y"})
	for _, r := range d.Reasons {
		if r.Rule == "connections.unknown" {
			if r.Points != -1 || !strings.Contains(r.Why, "unknown") {
				t.Errorf("unknown connections reason = %+v, want -1 points saying unknown", r)
			}
			return
		}
	}
	t.Errorf("Decide without a connection count: reasons %v lack connections.unknown", d.Reasons)
}

// TestVerdictBoundaries drives the score with a user rule so that it lands
// on each side of both thresholds.
func TestVerdictBoundaries(t *testing.T) {
	// With DefaultNote and unknown mutuals/connections the base score is
	// the default-note points, -1.
	for _, tt := range []struct {
		points int
		want   Verdict
	}{
		{5, Accept},  // 4: at the accept threshold
		{4, Clarify}, // 3
		{0, Clarify}, // -1: at the ignore threshold
		{-1, Ignore}, // -2: below it
	} {
		p := testPolicy(t, func(c *Config) {
			c.Rules = []Rule{{Name: "bump", Field: "name", Match: "^Test", Points: tt.points}}
		})
		d := p.Decide(inbox.Invitation{Name: "Test Person", Note: "I'd like to join your LinkedIn network.", DefaultNote: true})
		if d.Verdict != tt.want {
			t.Errorf("score %d: verdict %v, want %v (%v)", d.Score, d.Verdict, tt.want, d.Reasons)
		}
	}
}

func TestMarkSuspiciousOverridesKnown(t *testing.T) {
	p := testPolicy(t, nil)
	d := p.Decide(inbox.Invitation{Name: "Ada Lovelace"})
	d.MarkSuspicious("authenticity", "not sent by LinkedIn")
	if d.Verdict != Suspicious {
		t.Errorf("verdict = %v, want suspicious", d.Verdict)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"thresholds", func(c *Config) { c.Thresholds = Thresholds{Accept: 10, Ignore: 20} }, "policy.thresholds: accept (10) must be above ignore (20)"},
		{"equal thresholds", func(c *Config) { c.Thresholds = Thresholds{Accept: 2, Ignore: 2} }, "policy.thresholds: accept (2) must be above ignore (2)"},
		{"bad regexp", func(c *Config) {
			c.Rules = []Rule{{Name: "a", Field: "note", Keywords: []string{"x"}}, {Name: "b", Field: "note", Match: "(unclosed"}}
		}, "policy.rule[1].match: error parsing regexp: missing closing )"},
		{"bad field", func(c *Config) { c.Rules = []Rule{{Name: "a", Field: "industry", Keywords: []string{"x"}}} }, `policy.rule[0].field: "industry" is not one of name, headline, title, company, location, note`},
		{"both", func(c *Config) { c.Rules = []Rule{{Name: "a", Field: "note", Match: "x", Keywords: []string{"x"}}} }, "policy.rule[0]: set match or keywords, not both"},
		{"neither", func(c *Config) { c.Rules = []Rule{{Name: "a", Field: "note"}} }, "policy.rule[0]: set match"},
		{"no name", func(c *Config) { c.Rules = []Rule{{Field: "note", Match: "x"}} }, "policy.rule[0].name: missing"},
		{"duplicate name", func(c *Config) {
			c.Rules = []Rule{{Name: "a", Field: "note", Match: "x"}, {Name: "a", Field: "name", Match: "y"}}
		}, `policy.rule[1].name: "a" is also the name of policy.rule[0]`},
		{"bad marker", func(c *Config) { c.LION.Markers = append(c.LION.Markers, "[") }, "policy.lion.markers[7]: error parsing regexp"},
		{"empty keyword", func(c *Config) { c.Industry.Prefer = []string{"go", " "} }, "policy.industry.prefer[1]: empty entry"},
		{"connections", func(c *Config) { c.Connections.Few = 900 }, "policy.connections: few (900) must not be above many (500)"},
	}
	for _, tt := range tests {
		cfg := Defaults()
		tt.edit(&cfg)
		_, err := New(cfg, Me{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New() error = %v, want %q", tt.name, err, tt.want)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: New() error %v does not wrap ErrInvalid", tt.name, err)
		}
	}
	if _, err := New(Defaults(), Me{}); err != nil {
		t.Errorf("New(Defaults()) = %v", err)
	}
}

func TestProfileKey(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.linkedin.com/in/Jane-Doe/":                 "in/jane-doe",
		"linkedin.com/in/jane-doe?trk=x":                        "in/jane-doe",
		"jane-doe":                                              "in/jane-doe",
		"https://www.linkedin.com/comm/in/jane-doe?midToken=z":  "in/jane-doe",
		"https://www.linkedin.com/comm/profile/view?id=AAB&x=1": "id/AAB",
		"https://example.com/":                                  "",
	} {
		if got := profileKey(in); got != want {
			t.Errorf("profileKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindWord(t *testing.T) {
	for _, tt := range []struct {
		text, phrase string
		cs, want     bool
	}{
		{"Go developer", "go", false, true},
		{"Google engineer", "go", false, false},
		{"let's go", "Go", true, false},
		{"Staff engineer, Platform  Engineering", "platform engineering", false, true},
		{"Zürich, CH", "zürich", false, true},
		{"SRE@Monzo", "sre", false, true},
		{"", "x", false, false},
	} {
		if _, got := findWord(tt.text, tt.phrase, tt.cs); got != tt.want {
			t.Errorf("findWord(%q, %q, %v) = %v, want %v", tt.text, tt.phrase, tt.cs, got, tt.want)
		}
	}
}

// TestIndexASCIIFold checks the ASCII search against the rune by rune one,
// on the runes that fold to ASCII letters and on invalid UTF-8.
func TestIndexASCIIFold(t *testing.T) {
	texts := []string{"", "k", "Go developer", "\u212Aey person, KEY", "Ba\u017F\u017Fist, BASS", "\xffgo\xfe GO", "Zürich go", "sre@monzo SRE"}
	subs := []string{"", "k", "key", "bass", "go", "g", "sre", "ss", "o d", "zz"}
	for _, s := range texts {
		for _, sub := range subs {
			if got, want := indexASCIIFold(s, sub), indexRuneFold(s, sub); got != want {
				t.Errorf("indexASCIIFold(%q, %q) = %d, want %d", s, sub, got, want)
			}
		}
	}
}

// FuzzIndexASCIIFold checks the ASCII search against the rune by rune one.
func FuzzIndexASCIIFold(f *testing.F) {
	f.Add("\u212Aey person, KEY", "key")
	f.Add("Ba\u017F\u017Fist", "ss")
	f.Fuzz(func(t *testing.T, s, sub string) {
		if !isASCII(sub) {
			return
		}
		if got, want := indexASCIIFold(s, sub), indexRuneFold(s, sub); got != want {
			t.Errorf("indexASCIIFold(%q, %q) = %d, want %d", s, sub, got, want)
		}
	})
}

// TestMarkersJoined checks that joining the LION markers keeps each one's
// flags to itself and finds what the markers find one by one.
func TestMarkersJoined(t *testing.T) {
	p := testPolicy(t, func(c *Config) {
		c.LION.Markers = []string{`(?i)open networker`, `LION\b`, `\Qa+b`}
	})
	if p.anyMarker != nil {
		t.Errorf("markers with \\Q joined: %s", p.anyMarker)
	}
	p = testPolicy(t, func(c *Config) { c.LION.Markers = []string{`(?i)open networker`, `LION\b`} })
	if p.anyMarker == nil {
		t.Fatal("markers not joined")
	}
	for _, tt := range []struct{ text, want string }{
		{"Open Networker and LION", "Open Networker"},
		{"a lion tamer", ""},
		{"LION", "LION"},
		{"LIONS club", ""},
	} {
		if got := p.marker(tt.text); got != tt.want {
			t.Errorf("marker(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestNoteClassText(t *testing.T) {
	for c := NoteNone; c <= NotePitch; c++ {
		text, _ := c.MarshalText()
		var got NoteClass
		if err := got.UnmarshalText(text); err != nil || got != c {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, got, err, c)
		}
	}
	for in, want := range map[string]NoteClass{" Pitch ": NotePitch, "GENERIC": NoteGeneric, "personalised\n": NotePersonalised} {
		var got NoteClass
		if err := got.UnmarshalText([]byte(in)); err != nil || got != want {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	var got NoteClass
	if err := got.UnmarshalText([]byte("spam")); err == nil {
		t.Errorf("UnmarshalText(%q) = %v, nil; want an error", "spam", got)
	}
}
