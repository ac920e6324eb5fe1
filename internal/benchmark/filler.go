package benchmark

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"time"
)

// filler writes the ordinary mail around the invitations. Its subjects
// and senders never match the sweep's search (no linkedin.com sender, no
// invitation-like subject), so the only candidates are LinkedIn's.
type filler struct {
	rng *rand.Rand
	buf bytes.Buffer
}

func newFiller(rng *rand.Rand) *filler { return &filler{rng: rng} }

const recipient = "Paul Hammant <paul@hammant.org>"

func (f *filler) pick(list []string) string { return list[f.rng.IntN(len(list))] }

// sentence appends a sentence of 6-18 words to b.
func (f *filler) sentence(b *strings.Builder) {
	n := 6 + f.rng.IntN(13)
	for j := range n {
		w := f.pick(words)
		if j == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
		if j < n-1 {
			b.WriteByte(' ')
		}
	}
	b.WriteString(f.pick([]string{".", ".", ".", "?", "!"}))
}

// paragraph returns about n bytes of prose.
func (f *filler) paragraph(n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		f.sentence(&b)
	}
	return b.String()
}

// wrap breaks s into lines of at most 76 bytes, each prefixed.
func wrap(s, prefix string) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		if i > 0 {
			if line+1+len(w) > 76-len(prefix) {
				b.WriteString("\r\n")
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		if line == 0 {
			b.WriteString(prefix)
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}

func (f *filler) header(from, subject, msgID string, date time.Time, extra ...string) {
	f.buf.Reset()
	fmt.Fprintf(&f.buf, "Return-Path: <%s>\r\n", addrOf(from))
	fmt.Fprintf(&f.buf, "Received: from mail.%s (mail.%s [192.0.2.%d])\r\n\tby mx.hammant.org with ESMTPS id %08x\r\n\tfor <paul@hammant.org>; %s\r\n",
		domainOf(from), domainOf(from), 1+f.rng.IntN(250), f.rng.Uint32(), date.Format(time.RFC1123Z))
	fmt.Fprintf(&f.buf, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n",
		date.Format(time.RFC1123Z), from, recipient, subject, msgID)
	for _, e := range extra {
		f.buf.WriteString(e + "\r\n")
	}
}

func addrOf(from string) string {
	if i := strings.LastIndexByte(from, '<'); i >= 0 {
		return strings.TrimSuffix(from[i+1:], ">")
	}
	return from
}

func domainOf(from string) string {
	a := addrOf(from)
	return a[strings.IndexByte(a, '@')+1:]
}

func (f *filler) bytes() []byte { return bytes.Clone(f.buf.Bytes()) }

// newsletter is multipart/alternative: a plain-text version and an HTML
// version of 20-80 KB in quoted-printable.
func (f *filler) newsletter(i int, date time.Time) []byte {
	from := f.pick(newsletterSenders)
	subject := f.pick(newsletterSubjects) + fmt.Sprintf(" #%d", 100+i%900)
	boundary := fmt.Sprintf("----=_NL_%d_%08x", i, f.rng.Uint32())
	f.header(from, subject, fmt.Sprintf("nl.%d.%08x@%s", i, f.rng.Uint32(), domainOf(from)), date,
		fmt.Sprintf("List-Unsubscribe: <https://%s/unsubscribe?u=%08x>", domainOf(from), f.rng.Uint32()),
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
		fmt.Sprintf("Content-Type: multipart/alternative; boundary=\"%s\"", boundary))
	size := 20<<10 + f.rng.IntN(60<<10)

	var text, htm strings.Builder
	htm.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>` + subject + `</title>` +
		`<style>body{font-family:Helvetica,Arial,sans-serif;color:#222}.story{margin:0 0 24px 0}</style></head><body>` + "\n")
	htm.WriteString(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">` + "\n")
	for htm.Len() < size*4/5 {
		title := f.paragraph(40)
		body := f.paragraph(300 + f.rng.IntN(900))
		link := fmt.Sprintf("https://click.%s/ls/click?upn=%08x%08x", domainOf(from), f.rng.Uint32(), f.rng.Uint32())
		fmt.Fprintf(&htm, `<div class="story"><h2 style="font-size:20px;margin:0 0 8px 0"><a href="%s" style="color:#0a66c2;text-decoration:none">%s</a></h2>`+
			`<p style="font-size:15px;line-height:1.5;margin:0">%s</p><img src="https://img.%s/%08x.png" width="560" alt=""></div>`+"\n",
			link, title, body, domainOf(from), f.rng.Uint32())
		fmt.Fprintf(&text, "%s\r\n%s\r\n\r\n%s\r\n\r\n", wrap(title, ""), link, wrap(body, ""))
	}
	htm.WriteString("</td></tr></table><p style=\"font-size:12px;color:#888\">You are receiving this because you subscribed. Unsubscribe any time.</p></body></html>\n")

	fmt.Fprintf(&f.buf, "\r\n--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n", boundary)
	f.buf.WriteString(text.String())
	fmt.Fprintf(&f.buf, "\r\n--%s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n", boundary)
	qp := quotedprintable.NewWriter(&f.buf)
	qp.Write([]byte(htm.String()))
	qp.Close()
	fmt.Fprintf(&f.buf, "\r\n--%s--\r\n", boundary)
	return f.bytes()
}

// personal is a short plain-text mail of 2-5 KB, often a reply quoting
// the mail before it.
func (f *filler) personal(i int, date time.Time) []byte {
	from := f.pick(people)
	subject := f.pick(personalSubjects)
	var extra []string
	reply := f.rng.IntN(3) > 0
	if reply {
		subject = "Re: " + subject
		extra = append(extra, fmt.Sprintf("In-Reply-To: <%08x.%d@hammant.org>", f.rng.Uint32(), i))
	}
	extra = append(extra, "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit")
	f.header(from, subject, fmt.Sprintf("%08x-%04x-%d@%s", f.rng.Uint32(), f.rng.Uint32()&0xffff, i, domainOf(from)), date, extra...)
	f.buf.WriteString("\r\n")
	size := 2<<10 + f.rng.IntN(3<<10)
	first := strings.Fields(from)[0]
	fmt.Fprintf(&f.buf, "Hi Paul,\r\n\r\n")
	target := f.buf.Len() + size - 600
	own := target
	if reply {
		own = f.buf.Len() + (target-f.buf.Len())/2
	}
	for f.buf.Len() < own {
		f.buf.WriteString(wrap(f.paragraph(200+f.rng.IntN(400)), "") + "\r\n\r\n")
	}
	fmt.Fprintf(&f.buf, "Cheers,\r\n%s\r\n", first)
	if reply {
		fmt.Fprintf(&f.buf, "\r\nOn %s, Paul Hammant <paul@hammant.org> wrote:\r\n", date.Add(-time.Duration(1+f.rng.IntN(72))*time.Hour).Format("Mon, 2 Jan 2006 at 15:04"))
		for f.buf.Len() < target {
			f.buf.WriteString(wrap(f.paragraph(200+f.rng.IntN(300)), "> ") + "\r\n>\r\n")
		}
	}
	return f.bytes()
}

// attachment is multipart/mixed: a few lines and a 1-3 MB PDF-like
// attachment in base64.
func (f *filler) attachment(i int, date time.Time) []byte {
	from := f.pick(people)
	boundary := fmt.Sprintf("----=_Att_%d_%08x", i, f.rng.Uint32())
	name := f.pick(attachmentNames)
	f.header(from, "Fwd: "+name, fmt.Sprintf("att.%d.%08x@%s", i, f.rng.Uint32(), domainOf(from)), date,
		fmt.Sprintf("Content-Type: multipart/mixed; boundary=\"%s\"", boundary))
	fmt.Fprintf(&f.buf, "\r\n--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHi Paul,\r\n\r\n%s\r\n\r\nBest,\r\n%s\r\n",
		boundary, wrap(f.paragraph(300), ""), strings.Fields(from)[0])
	fmt.Fprintf(&f.buf, "\r\n--%s\r\nContent-Type: application/pdf; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		boundary, name, name)
	data := make([]byte, 1<<20+f.rng.IntN(2<<20))
	copy(data, "%PDF-1.7\n")
	for j := 9; j+8 <= len(data); j += 8 {
		v := f.rng.Uint64()
		for k := range 8 {
			data[j+k] = byte(v >> (8 * k))
		}
	}
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		f.buf.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	f.buf.WriteString(enc + "\r\n")
	fmt.Fprintf(&f.buf, "--%s--\r\n", boundary)
	return f.bytes()
}

var newsletterSenders = []string{
	`"The Morning Brief" <news@morningbrief.example.com>`,
	`"Go Weekly" <golang@weekly.example.org>`,
	`"Hacker Digest" <digest@hackerdigest.example.net>`,
	`"Observability Monthly" <hello@o11y.example.com>`,
	`"Acme Cloud" <no-reply@updates.acmecloud.example>`,
	`"Leeds Tech Meetups" <events@leedstech.example.org>`,
	`"The Architecture Letter" <letters@archletter.example.com>`,
	`"Northwind Travel" <offers@northwind-travel.example>`,
}

var newsletterSubjects = []string{
	"This week in distributed systems", "Your weekly digest", "Five talks worth your time",
	"Release notes: what changed this month", "Tracing without tears", "The state of Go tooling",
	"New in the cloud console", "Events near you this week", "Designing for failure",
	"Spring offers for members", "Reading list: databases", "Incident reviews we learned from",
}

var people = []string{
	"Anna Lindqvist <anna.lindqvist@example.se>", "Ben Okafor <ben@okafor.example.com>",
	"Chris Walsh <chris.walsh@example.ie>", "Dana Kowalski <dana.k@example.pl>",
	"Erik Jensen <erik@jensen.example.dk>", "Fiona Murphy <fiona.murphy@example.co.uk>",
	"Gita Patel <gita@patel.example.in>", "Hugo Moreau <hugo.moreau@example.fr>",
	"Ivy Chen <ivy.chen@example.com>", "Jon Schmidt <jon.schmidt@example.de>",
	"Kate Hammant <kate@hammant.org>", "Luis Pereira <luis@pereira.example.pt>",
}

var personalSubjects = []string{
	"Lunch on Thursday?", "Notes from today's call", "The slides you asked for", "Quick question about the release",
	"Weekend plans", "Draft agenda for the offsite", "Book recommendation", "Dinner next week",
	"Your talk proposal", "Flight details", "Thanks for yesterday", "Review comments on the design doc",
	"Photos from the trip", "Budget spreadsheet", "Can you take a look?", "Conference travel",
}

var attachmentNames = []string{
	"quarterly-report.pdf", "contract-signed.pdf", "architecture-review.pdf", "invoice-2041.pdf",
	"floor-plan.pdf", "slides-final.pdf",
}

var words = strings.Fields(`the a of and to in for on with from by at as is are was were be been
system service latency request cluster node queue message event trace span metric log alert
deploy release build test review design team project meeting plan week month quarter budget
customer user product feature data database index cache storage network region zone backup
policy security incident report summary update change version migration schema query load
performance throughput scaling capacity cost estimate timeline roadmap goal result question
answer idea proposal draft document note comment feedback support issue fix patch upgrade
morning afternoon evening today tomorrow yesterday weekend holiday travel office remote
good great better simple careful quick slow new old small large important useful clear
we you they our your their this that these those some many every each more most other
will would could should might can may must need want think know see find make take give`)
