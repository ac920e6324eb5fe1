package policy

import (
	"fmt"
	"strings"
)

// Summary describes the policy in one screen: thresholds, the points of
// every signal and the user rules, as `triage policy check` prints it.
func (p *Policy) Summary() string {
	c := p.cfg
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("verdict: accept at %+d or more, ignore below %+d, clarify in between; known contacts are always accepted",
		c.Thresholds.Accept, c.Thresholds.Ignore)
	line("note: none %+d, LinkedIn default %+d, generic %+d, personalised %+d, pitch %+d",
		c.Note.None, c.Note.Default, c.Note.Generic, c.Note.Personalised, c.Note.Pitch)
	lion := fmt.Sprintf("%d markers in name or headline", len(c.LION.Markers))
	if c.LION.EmailMarker {
		lion += ", an email address"
	}
	if c.LION.MaxConnections > 0 {
		lion += fmt.Sprintf(", more than %d connections", c.LION.MaxConnections)
	}
	line("LION / open networker %+d: %s", c.LION.Points, lion)
	cc := c.Connections
	line("connections: %d+ %+d, fewer than %d %+d, unknown %+d", cc.Many, cc.ManyPoints, cc.Few, cc.FewPoints, cc.Unknown)
	line("mutual connections: %+d each, capped at %+d; none %+d", c.Mutual.Per, c.Mutual.Max, c.Mutual.Zero)
	line("industry: prefer %+d %s; avoid %+d %s", c.Industry.PreferPoints, list(c.Industry.Prefer),
		c.Industry.AvoidPoints, list(c.Industry.Avoid))
	places := c.Location.Prefer
	if c.Location.UseMe {
		places = append(places[:len(places):len(places)], p.me.Locations...)
	}
	line("location %+d: %s", c.Location.Points, list(places))
	line("known contacts (accept): %d names, %d profiles, %d companies", len(c.Known.Names), len(c.Known.Profiles), len(c.Known.Companies))
	line("coworkers %+d: %s", c.Coworkers.Points, list(p.me.Companies))
	line("reminder %+d", c.Reminder.Points)
	if len(c.Rules) == 0 {
		line("rules: none")
	} else {
		line("rules:")
	}
	for _, r := range c.Rules {
		what := fmt.Sprintf("matches /%s/", r.Match)
		if r.Match == "" {
			what = "mentions " + list(r.Keywords)
		}
		line("  %s %+d: %s %s", r.Name, r.Points, r.Field, clip(what, 60))
	}
	return b.String()
}

// list shows a few entries of a list and how many more there are.
func list(xs []string) string {
	if len(xs) == 0 {
		return "(none)"
	}
	const show = 4
	var q []string
	for i, x := range xs {
		if i == show {
			q = append(q, fmt.Sprintf("and %d more", len(xs)-show))
			break
		}
		q = append(q, fmt.Sprintf("%q", x))
	}
	return strings.Join(q, ", ")
}
