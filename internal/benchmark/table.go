package benchmark

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Verdict of one target.
func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// Passed reports whether every target was met and every check passed.
func (r *Report) Passed() bool {
	if len(r.Problems) > 0 || len(r.Sizes) == 0 {
		return false
	}
	for _, s := range r.Sizes {
		if s.Error != "" || !s.SweepMeasured || s.Ratio > TargetRatio || s.IncrementalMedian >= TargetIncremental ||
			s.SettledMedian == 0 || s.SettledMedian >= TargetIncremental ||
			s.FullRSS >= TargetRSS || s.IncrementalRSS >= TargetRSS || s.SettledRSS >= TargetRSS {
			return false
		}
	}
	return len(r.Sizes) < 2 || r.Flat <= TargetFlat
}

// WriteTable writes the report for people.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "triage sweep benchmark · %s · %s · %d CPUs · Dovecot %s\n", r.Started.Format("2006-01-02 15:04 UTC"), r.GoVersion, r.CPUs, r.Dovecot)
	fmt.Fprintf(&b, "triage binary: %s\n", r.Triage)
	fmt.Fprintf(&b, "floor search: FROM \"linkedin.com\" OR %d SUBJECTs, from %s\n\n", len(r.Subjects), r.SubjectsFrom)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "messages\tinvitations\tmailbox\tcandidates\tfloor s\tsweep s\tratio\t\tincremental ms\t\tsettled ms\tRSS full MiB\tRSS incr MiB\t\t")
	for _, s := range r.Sizes {
		if s.Error != "" {
			fmt.Fprintf(tw, "%d\t%d\t%s\tdid not complete (see below)\t\t\t\t\t\t\t\t\t\t\t\n", s.Messages, s.Invitations, mib(s.MailboxBytes))
			continue
		}
		if !s.SweepMeasured {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%d (%s)\t%.2f\t-\t-\t\t-\t\t-\t-\t-\t\t\n",
				s.Messages, s.Invitations, mib(s.MailboxBytes), s.Candidates, mib(s.CandidateBytes), s.FloorMedian.Seconds())
			continue
		}
		rssOK := s.FullRSS < TargetRSS && s.IncrementalRSS < TargetRSS && s.SettledRSS < TargetRSS
		fmt.Fprintf(tw, "%d\t%d\t%s\t%d (%s)\t%.2f\t%.2f\t%.2f\t%s\t%.1f\t%s\t%s\t%.1f\t%.1f\t%s\t\n",
			s.Messages, s.Invitations, mib(s.MailboxBytes), s.Candidates, mib(s.CandidateBytes),
			s.FloorMedian.Seconds(), s.SweepMedian.Seconds(), s.Ratio, verdict(s.Ratio <= TargetRatio),
			ms(s.IncrementalMedian), verdict(s.IncrementalMedian < TargetIncremental),
			settled(s.SettledMedian),
			float64(s.FullRSS)/(1<<20), float64(max(s.IncrementalRSS, s.SettledRSS))/(1<<20), verdict(rssOK))
	}
	tw.Flush()
	b.WriteString("\nincremental: nothing new, every earlier invitation still pending (a dry sweep lists them all); settled: nothing new and nothing pending (after one --apply); RSS incr is the larger of the two\n")
	fmt.Fprintf(&b, "targets: ratio <= %.1f, incremental < %v, peak RSS < %d MiB", TargetRatio, TargetIncremental, TargetRSS>>20)
	if r.Flat > 0 {
		fmt.Fprintf(&b, "; RSS flat: largest/smallest full-sweep RSS = %.2f (<= %.2f) %s", r.Flat, TargetFlat, verdict(r.Flat <= TargetFlat))
	}
	b.WriteString("\n\nwhere the time goes (medians):\n")
	for _, s := range r.Sizes {
		if s.Error != "" {
			fmt.Fprintf(&b, "  %d messages: stopped: %s\n", s.Messages, s.Error)
			continue
		}
		fmt.Fprintf(&b, "  %d messages: load %v; floor %.2f s (client CPU %.2f s, Dovecot CPU %.2f s)",
			s.Messages, s.Load.Round(time.Second), s.FloorMedian.Seconds(), s.FloorCPU.Seconds(), s.DovecotFloor.Seconds())
		if s.SweepMeasured {
			fmt.Fprintf(&b, "; sweep %.2f s (triage CPU %.2f s user + %.2f s sys, Dovecot CPU %.2f s); incremental runs print %d lines; --apply took %.2f s; settled runs print %d lines",
				s.SweepMedian.Seconds(), s.SweepUser.Seconds(), s.SweepSys.Seconds(), s.DovecotSweep.Seconds(), s.IncrementalLines, s.Apply.Seconds(), s.SettledLines)
		}
		b.WriteString("\n")
	}
	if len(r.Problems) > 0 {
		b.WriteString("\nCORRECTNESS PROBLEMS (the figures above do not count):\n")
		for _, p := range r.Problems {
			b.WriteString("  - " + p + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// settled shows the settled median with its verdict, or "-" when it was
// not measured (the --apply before it failed).
func settled(d time.Duration) string {
	if d == 0 {
		return "- FAIL"
	}
	return fmt.Sprintf("%.1f %s", ms(d), verdict(d < TargetIncremental))
}
