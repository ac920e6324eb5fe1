package policy

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/triagehq/triage/internal/inbox"
)

// ErrInvalid wraps every validation error New returns.
var ErrInvalid = errors.New("invalid policy")

// Policy is a validated Config with its regular expressions compiled.
// It is safe for concurrent use.
type Policy struct {
	cfg     Config
	me      Me
	markers []*regexp.Regexp
	rules   []compiledRule
	// anyMarker matches where one of markers does; nil when they could
	// not be joined.
	anyMarker *regexp.Regexp
	// markerFilter skips the markers that cannot match a text; nil when
	// it could not be built.
	markerFilter *markerFilter
	// knownNames are cfg.Known.Names with their white space collapsed,
	// and knownProfiles the profileKey of each of cfg.Known.Profiles.
	knownNames, knownProfiles []string
}

type compiledRule struct {
	Rule
	re *regexp.Regexp
}

// fieldError is a validation error about one config key.
type fieldError struct {
	key string // full name, e.g. "policy.rule[2].match"
	err error
}

func (e *fieldError) Error() string { return e.key + ": " + e.err.Error() }
func (e *fieldError) Unwrap() []error {
	return []error{ErrInvalid, e.err}
}

func invalid(key, format string, args ...any) error {
	return &fieldError{key: key, err: fmt.Errorf(format, args...)}
}

// New validates cfg and returns the Policy it describes. Errors name the
// key's full name ("policy.rule[2].match: error parsing regexp: ...";
// indexes count from 0) and wrap ErrInvalid; several problems are joined.
func New(cfg Config, me Me) (*Policy, error) {
	var errs []error
	if cfg.Thresholds.Accept <= cfg.Thresholds.Ignore {
		errs = append(errs, invalid("policy.thresholds", "accept (%d) must be above ignore (%d)",
			cfg.Thresholds.Accept, cfg.Thresholds.Ignore))
	}
	p := &Policy{cfg: cfg, me: me}
	for i, m := range cfg.LION.Markers {
		re, err := regexp.Compile(m)
		if err != nil {
			errs = append(errs, &fieldError{key: fmt.Sprintf("policy.lion.markers[%d]", i), err: err})
			continue
		}
		if re.MatchString("") {
			errs = append(errs, invalid(fmt.Sprintf("policy.lion.markers[%d]", i), "%q matches every headline", m))
			continue
		}
		p.markers = append(p.markers, re)
	}
	if cfg.LION.MaxConnections < 0 {
		errs = append(errs, invalid("policy.lion.max_connections", "must not be negative (0 turns the check off)"))
	}
	if c := cfg.Connections; c.Few > c.Many {
		errs = append(errs, invalid("policy.connections", "few (%d) must not be above many (%d)", c.Few, c.Many))
	}
	if cfg.Mutual.Per > 0 && cfg.Mutual.Max < 0 || cfg.Mutual.Per < 0 && cfg.Mutual.Max > 0 {
		errs = append(errs, invalid("policy.mutual.max", "cap (%d) must have the sign of per (%d)", cfg.Mutual.Max, cfg.Mutual.Per))
	}
	errs = append(errs, checkWords("policy.industry.prefer", cfg.Industry.Prefer)...)
	errs = append(errs, checkWords("policy.industry.avoid", cfg.Industry.Avoid)...)
	errs = append(errs, checkWords("policy.location.prefer", cfg.Location.Prefer)...)
	errs = append(errs, checkWords("policy.known.names", cfg.Known.Names)...)
	errs = append(errs, checkWords("policy.known.profiles", cfg.Known.Profiles)...)
	errs = append(errs, checkWords("policy.known.companies", cfg.Known.Companies)...)
	names := map[string]int{}
	for i, r := range cfg.Rules {
		key := fmt.Sprintf("policy.rule[%d]", i)
		if strings.TrimSpace(r.Name) == "" {
			errs = append(errs, invalid(key+".name", "missing: the name appears in the reasons"))
		} else if j, dup := names[r.Name]; dup {
			errs = append(errs, invalid(key+".name", "%q is also the name of policy.rule[%d]", r.Name, j))
		} else {
			names[r.Name] = i
		}
		if !slices.Contains(ruleFields, r.Field) {
			errs = append(errs, invalid(key+".field", "%q is not one of %s", r.Field, strings.Join(ruleFields, ", ")))
		}
		cr := compiledRule{Rule: r}
		switch {
		case r.Match != "" && len(r.Keywords) > 0:
			errs = append(errs, invalid(key, "set match or keywords, not both"))
		case r.Match == "" && len(r.Keywords) == 0:
			errs = append(errs, invalid(key, "set match (a regular expression) or keywords (a list)"))
		case r.Match != "":
			re, err := regexp.Compile(r.Match)
			if err != nil {
				errs = append(errs, &fieldError{key: key + ".match", err: err})
			}
			cr.re = re
		default:
			errs = append(errs, checkWords(key+".keywords", r.Keywords)...)
		}
		p.rules = append(p.rules, cr)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	p.anyMarker = joinMarkers(cfg.LION.Markers)
	p.markerFilter = newMarkerFilter(p.markers)
	for _, n := range cfg.Known.Names {
		p.knownNames = append(p.knownNames, strings.Join(strings.Fields(n), " "))
	}
	for _, u := range cfg.Known.Profiles {
		p.knownProfiles = append(p.knownProfiles, profileKey(u))
	}
	return p, nil
}

func checkWords(key string, words []string) []error {
	var errs []error
	for i, w := range words {
		if strings.TrimSpace(w) == "" {
			errs = append(errs, invalid(fmt.Sprintf("%s[%d]", key, i), "empty entry would match everything"))
		}
	}
	return errs
}

// Config returns the configuration the policy was built from.
func (p *Policy) Config() Config { return p.cfg }

// Decide scores inv and suggests a verdict. Every rule that fires adds a
// Reason, and the Reasons' points add up to Score. A known contact is
// accepted whatever the score.
func (p *Policy) Decide(inv inbox.Invitation) Decision {
	var d Decision
	add := func(rule string, points int, format string, args ...any) {
		d.Reasons = append(d.Reasons, Reason{Rule: rule, Points: points, Why: fmt.Sprintf(format, args...)})
		d.Score += points
	}
	c := p.cfg

	if why := p.known(inv); why != "" {
		d.Known = true
		add("known", 0, "%s: always accepted", why)
	}

	d.NoteClass, d.NoteEvidence = ClassifyNote(inv.Note, inv.DefaultNote, p.me)
	switch d.NoteClass {
	case NoteNone:
		add("note.none", c.Note.None, "no note: no reason given to connect")
	case NoteDefault:
		add("note.default", c.Note.Default, "LinkedIn's stock note: no reason given to connect")
	case NoteGeneric:
		if d.NoteEvidence != "" {
			add("note.generic", c.Note.Generic, "generic note (%q) could have been sent to anyone", d.NoteEvidence)
		} else {
			add("note.generic", c.Note.Generic, "generic note: it names nothing specific")
		}
	case NotePersonalised:
		add("note.personalised", c.Note.Personalised, "personalised note: it names %q", d.NoteEvidence)
	case NotePitch:
		add("note.pitch", c.Note.Pitch, "the note is a sales pitch (%q)", d.NoteEvidence)
	}

	if why := p.lion(inv); why != "" {
		d.LION = true
		add("lion", c.LION.Points, "open networker (LION): %s", why)
	}

	switch cc := c.Connections; {
	case inv.Connections == nil:
		add("connections.unknown", cc.Unknown, "connection count unknown (the email does not say)")
	case *inv.Connections >= cc.Many:
		add("connections.many", cc.ManyPoints, "%d connections (%d+)", *inv.Connections, cc.Many)
	case *inv.Connections < cc.Few:
		add("connections.few", cc.FewPoints, "only %d connections (fewer than %d)", *inv.Connections, cc.Few)
	}

	if m := inv.MutualConnections; m != nil {
		if *m == 0 {
			if c.Mutual.Zero != 0 {
				add("mutual.zero", c.Mutual.Zero, "no connections in common")
			}
		} else if pts := mutualPoints(*m, c.Mutual); pts != 0 || c.Mutual.Per != 0 {
			capped := ""
			if pts != *m*c.Mutual.Per {
				capped = fmt.Sprintf(" (capped at %d)", c.Mutual.Max)
			}
			add("mutual", pts, "%d connection%s in common%s", *m, plural(*m), capped)
		}
	}

	hay := strings.Join([]string{inv.Headline, inv.Title, inv.Company}, " \n ")
	if w := firstWord(hay, c.Industry.Prefer); w != "" {
		add("industry.prefer", c.Industry.PreferPoints, "headline or company mentions %q (policy.industry.prefer)", w)
	}
	if w := firstWord(hay, c.Industry.Avoid); w != "" {
		add("industry.avoid", c.Industry.AvoidPoints, "headline or company mentions %q (policy.industry.avoid)", w)
	}

	if inv.Location != "" {
		places := c.Location.Prefer
		if c.Location.UseMe {
			places = append(slices.Clip(places), p.me.Locations...)
		}
		if w := firstWord(inv.Location, places); w != "" {
			add("location", c.Location.Points, "based in %s (preferred location %q)", inv.Location, w)
		}
	}

	if co := p.coworker(inv); co != "" {
		add("coworker", c.Coworkers.Points, "works at %s, like you", co)
	}

	if inv.Reminder {
		add("reminder", c.Reminder.Points, "a reminder: LinkedIn re-sent this invitation")
	}

	for _, r := range p.rules {
		text := ruleField(inv, r.Field)
		if r.re != nil {
			if loc := r.re.FindStringIndex(text); loc != nil {
				add(r.Name, r.Points, "%s matches rule %s (%q)", r.Field, r.Name, clip(text[loc[0]:loc[1]], 60))
			}
		} else if w := firstWord(text, r.Keywords); w != "" {
			add(r.Name, r.Points, "%s mentions %q (rule %s)", r.Field, w, r.Name)
		}
	}

	switch {
	case d.Known:
		d.Verdict = Accept
	case d.Score >= c.Thresholds.Accept:
		d.Verdict = Accept
	case d.Score < c.Thresholds.Ignore:
		d.Verdict = Ignore
	default:
		d.Verdict = Clarify
	}
	return d
}

// MarkSuspicious overrides the verdict with Suspicious, known contacts
// included, and records why (a forged or look-alike invitation). It adds a
// Reason of 0 points, so the score still adds up.
func (d *Decision) MarkSuspicious(rule, why string) {
	d.Verdict = Suspicious
	d.Reasons = append(d.Reasons, Reason{Rule: rule, Points: 0, Why: why})
}

func mutualPoints(n int, m MutualConfig) int {
	pts := n * m.Per
	if m.Per > 0 && pts > m.Max {
		pts = m.Max
	}
	if m.Per < 0 && pts < m.Max {
		pts = m.Max
	}
	return pts
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func ruleField(inv inbox.Invitation, field string) string {
	switch field {
	case "name":
		return inv.Name
	case "headline":
		return inv.Headline
	case "title":
		return inv.Title
	case "company":
		return inv.Company
	case "location":
		return inv.Location
	case "note":
		if inv.DefaultNote {
			return ""
		}
		return inv.Note
	}
	return ""
}

// joinMarkers returns a regexp that matches a text when one of markers
// does, or nil. Each is grouped whole: flags such as (?i) end with the
// group; only \Q without \E would reach past it.
func joinMarkers(markers []string) *regexp.Regexp {
	if len(markers) < 2 {
		return nil
	}
	var b strings.Builder
	for i, m := range markers {
		if strings.Contains(m, `\Q`) {
			return nil
		}
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString("(?:" + m + ")")
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

var emailRE = lazyRegexp(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// lion says why inv looks like an open networker, or "".
func (p *Policy) lion(inv inbox.Invitation) string {
	for _, field := range []struct{ name, text string }{{"name", inv.Name}, {"headline", inv.Headline}} {
		if m := p.marker(field.text); m != "" {
			return fmt.Sprintf("%s says %q", field.name, m)
		}
		if p.cfg.LION.EmailMarker && strings.IndexByte(field.text, '@') >= 0 && emailRE().MatchString(field.text) {
			return fmt.Sprintf("%s holds an email address", field.name)
		}
	}
	if mx := p.cfg.LION.MaxConnections; mx > 0 && inv.Connections != nil && *inv.Connections > mx {
		return fmt.Sprintf("%d connections (more than %d)", *inv.Connections, mx)
	}
	return ""
}

// markerSlow returns the match in text of the first marker that matches
// it, or "". It is the reference for marker.
func (p *Policy) markerSlow(text string) string {
	if p.anyMarker != nil && !p.anyMarker.MatchString(text) {
		return ""
	}
	for _, re := range p.markers {
		if m := re.FindString(text); m != "" {
			return m
		}
	}
	return ""
}

// known says why inv is a known contact, or "".
func (p *Policy) known(inv inbox.Invitation) string {
	k := p.cfg.Known
	if len(p.knownNames) > 0 {
		name := strings.Join(strings.Fields(inv.Name), " ")
		for _, n := range p.knownNames {
			if name != "" && strings.EqualFold(name, n) {
				return fmt.Sprintf("%s is a known contact (policy.known.names)", inv.Name)
			}
		}
	}
	if len(p.knownProfiles) > 0 {
		if v := profileKey(inv.ProfileURL); v != "" && slices.Contains(p.knownProfiles, v) {
			return fmt.Sprintf("profile %s is a known contact (policy.known.profiles)", v)
		}
	}
	for _, c := range k.Companies {
		if (inv.Company != "" && strings.EqualFold(strings.TrimSpace(inv.Company), strings.TrimSpace(c))) ||
			hasWord(inv.Headline, c) {
			return fmt.Sprintf("works at %s, a known company (policy.known.companies)", c)
		}
	}
	return ""
}

// profileKey reduces a LinkedIn profile URL or a bare vanity name to a
// comparable key: "in/<vanity>" or "id/<id>", lower case.
func profileKey(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "/") {
		return "in/" + strings.ToLower(s)
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	if id := u.Query().Get("id"); id != "" && strings.Contains(u.Path, "profile/view") {
		return "id/" + id
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == "in" && parts[i+1] != "" {
			v, err := url.PathUnescape(parts[i+1])
			if err != nil {
				v = parts[i+1]
			}
			return "in/" + strings.ToLower(v)
		}
	}
	return ""
}

// coworker returns the [me] company the inviter works at, or "".
func (p *Policy) coworker(inv inbox.Invitation) string {
	for _, c := range p.me.Companies {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(inv.Company), strings.TrimSpace(c)) {
			return c
		}
		if inv.Company == "" && inv.Headline != "" && hasWord(inv.Headline, c) {
			return c
		}
	}
	return ""
}
