package demo

// The sample emails in mail/ are written by this file: each sample below is
// rendered into the real LinkedIn notification formats (the 2016
// email_m2m_invite_single_01 text+HTML mail, the 2023-2026 HTML card with
// its padded preheader and "More people you may know" list, reminders,
// digests), quoted-printable encoded with soft line breaks, as LinkedIn
// sends them. TestMailFiles fails when mail/ and this file disagree;
// `go test ./internal/demo -run TestMailFiles -update` rewrites mail/.

import (
	"bytes"
	"flag"
	"fmt"
	"html"
	"mime"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite mail/ from the samples in samples_test.go")

type person struct {
	Name, First, Headline, Location string
	Vanity                          string // profile vanity name; empty: a profile/view?id= link
	ProfileID                       string
	Mutual                          int // 0: the card does not say
	Note                            string
	InvitationID, SharedKey         string
}

type sample struct {
	File     string
	Era      string // "2016", "card", "acceptance"
	Template string // X-LinkedIn-Template
	Subject  string
	Date     time.Time
	FromAddr string // default invitations@linkedin.com
	LinkHost string // default www.linkedin.com
	People   []person
	Others   []person // "More people you may know"
	Reminder bool
}

const (
	recipientName  = "Robin Keller"
	recipientFirst = "Robin"
	recipientAddr  = "robin.keller@example.org"
	recipientHead  = "Engineering Manager, Data Platform at Northwind Analytics"
)

var others = []person{
	{Name: "Chen Wei", Headline: "Backend Engineer at Tailspin Toys", Vanity: "chen-wei-tt"},
	{Name: "Fatima Zahra Idrissi", Headline: "Head of Analytics at Proseware", Vanity: "fzidrissi"},
	{Name: "Lukas Novak", Headline: "SRE | Kubernetes | Observability", Vanity: "lukas-novak-sre"},
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

var samples = []sample{
	{
		File: "01-personalised-mutual-talk.eml", Era: "card", Template: "email_m2m_invite_single_01",
		Subject: "I want to connect", Date: day("2025-03-14T09:26:53Z"),
		People: []person{{
			Name: "Priya Raman", First: "Priya", Headline: "Staff Data Engineer at Contoso Health", Location: "Rotterdam, South Holland, Netherlands",
			Vanity: "priya-raman-data", Mutual: 14,
			Note:         "Hi Robin, Marco de Vries suggested I get in touch after your talk on backfilling streaming pipelines at Data Council Amsterdam. We're fighting the same late-data problem at Contoso and I'd love to compare notes on how you handled it.",
			InvitationID: "7306118842735517696", SharedKey: "Kx4mQw",
		}},
		Others: others[:2],
	},
	{
		File: "02-pitch-calendly.eml", Era: "card", Template: "email_m2m_invite_single_01",
		Subject: "I want to connect", Date: day("2025-06-02T07:41:10Z"),
		People: []person{{
			Name: "Brad Sullivan", First: "Brad", Headline: "Founder & CEO at LeadRocket | Helping B2B SaaS teams 3x their pipeline", Location: "Austin, Texas, United States",
			Vanity: "bradsullivan-leadrocket", Mutual: 1,
			Note:         "Hi Robin, we help companies like yours cut cloud data costs by up to 40% without changing your stack. Would you be open to a quick call? Book a 15-minute demo here: https://calendly.com/leadrocket-brad/15min",
			InvitationID: "7335091123840331776", SharedKey: "pR7vLs",
		}},
		Others: others[1:],
	},
	{
		File: "03-lion-email-headline.eml", Era: "card", Template: "email_m2m_invite_single_01",
		Subject: "I want to connect", Date: day("2023-11-20T18:03:37Z"),
		People: []person{{
			Name: "Kevin Marsh (LION)", First: "Kevin", Headline: "LION | Open Networker | 30K+ | I accept all invitations | kevin.marsh.networking@gmail.com", Location: "Miami, Florida, United States",
			Vanity: "kevinmarshlion", Mutual: 0,
			InvitationID: "7132406652271554560", SharedKey: "Qe2Rt9",
		}},
		Others: others[:3],
	},
	{
		File: "04-generic-expand-network.eml", Era: "card", Template: "email_m2m_invite_single_01",
		Subject: "You have an invitation ✉️", Date: day("2026-01-12T11:15:02Z"),
		People: []person{{
			Name: "Omar Haddad", First: "Omar", Headline: "Business Development Manager at Globex", Location: "Dubai, United Arab Emirates",
			Vanity: "omar-haddad-globex", Mutual: 2,
			Note:         "Hello Robin, I'd like to expand my professional network and would be glad to connect with you.",
			InvitationID: "7416550914372354048", SharedKey: "Zt0bNm",
		}},
		Others: others[2:],
	},
	{
		File: "05-vague-compliment.eml", Era: "card", Template: "email_m2m_invite_single_01",
		Subject: "I want to connect", Date: day("2025-09-08T14:52:19Z"),
		People: []person{{
			Name: "Lena Fischer", First: "Lena", Headline: "Senior Consultant at Fabrikam Consulting", Location: "Munich, Bavaria, Germany",
			Vanity: "lena-fischer-fabrikam", Mutual: 3,
			Note:         "Hi Robin, I came across your profile and was really impressed. Would love to connect!",
			InvitationID: "7370938250563780608", SharedKey: "Hh5UoP",
		}},
		Others: others[:1],
	},
	{
		File: "06-default-note-2016.eml", Era: "2016", Template: "email_m2m_invite_single_01",
		Subject: "Robin, please add me to your LinkedIn network", Date: day("2016-05-09T08:12:44Z"),
		People: []person{{
			Name: "Ahmed Karimi", First: "Ahmed", Headline: "Software Engineer", Location: "Utrecht Area, Netherlands",
			ProfileID: "AAsAAAKx1e0BQm9w2H3fNfzYcRHTvXlH4q0pQbM",
			Note:      "I'd like to join your LinkedIn network.",
			// 2016 links carry the invitation ID as a query parameter.
			InvitationID: "6135493822161473536", SharedKey: "Vb8qL2-x",
		}},
	},
	{
		File: "07-reminder.eml", Era: "card", Template: "email_m2m_invite_reminder_02",
		Subject: "Robin, Tomasz Nowak is waiting for your response", Date: day("2024-10-21T06:30:00Z"), Reminder: true,
		People: []person{{
			Name: "Tomasz Nowak", First: "Tomasz", Headline: "Data Platform Lead at Woodgrove Bank", Location: "Warsaw, Mazowieckie, Poland",
			Vanity: "tomasz-nowak-data", Mutual: 6,
			InvitationID: "7251847406983114752", SharedKey: "Ww3kSd",
		}},
		Others: others[1:2],
	},
	{
		File: "08-digest-two-invitations.eml", Era: "card", Template: "email_m2m_invite_digest_02",
		Subject: "Robin, you have 2 new invitations", Date: day("2024-04-15T16:05:48Z"),
		People: []person{
			{
				Name: "Sofia Marques", First: "Sofia", Headline: "Product Designer at Litware", Location: "Lisbon, Portugal",
				Vanity: "sofiamarques-design", Mutual: 1,
				InvitationID: "7185312045871075328", SharedKey: "Aa1sDf",
			},
			{
				Name: "Jonas Berg", First: "Jonas", Headline: "Go Developer at Adventure Works", Location: "Stockholm, Sweden",
				Vanity: "jonas-berg-go", Mutual: 9,
				Note:         "Hi Robin, I read your post on exactly-once sinks in Go and we use a similar outbox pattern at Adventure Works. Happy to share what we learned about Kafka transactions.",
				InvitationID: "7185290331442995200", SharedKey: "Gh4jKl",
			},
		},
	},
	{
		File: "09-recruiter-specific-role.eml", Era: "card", Template: "email_m2m_invite_single_01",
		Subject: "I want to connect", Date: day("2025-11-03T10:44:31Z"),
		People: []person{{
			Name: "Hannah Lee", First: "Hannah", Headline: "Technical Recruiter at Wide World Importers", Location: "Amsterdam, North Holland, Netherlands",
			Vanity: "hannah-lee-wwi", Mutual: 4,
			Note:         "Hi Robin, I'm hiring a Head of Data Engineering for our Amsterdam office (Kafka, Flink, a team of 12). Your stream processing work at Northwind Analytics looks like a strong fit. Would you be open to a short chat?",
			InvitationID: "7390982216503947264", SharedKey: "Rc5tYu",
		}},
		Others: others[:2],
	},
	{
		File: "10-known-contact.eml", Era: "card", Template: "email_m2m_invite_single_01",
		Subject: "I want to connect", Date: day("2024-02-27T20:17:05Z"),
		People: []person{{
			Name: "Marco de Vries", First: "Marco", Headline: "Principal Engineer at Contoso Health", Location: "Amsterdam, North Holland, Netherlands",
			Vanity: "marcodevries", Mutual: 31,
			InvitationID: "7168452290837438464", SharedKey: "Mv6dEv",
		}},
		Others: others[2:],
	},
	{
		File: "11-coworker.eml", Era: "card", Template: "email_m2m_invite_single_01",
		Subject: "I want to connect", Date: day("2025-01-06T08:58:12Z"),
		People: []person{{
			Name: "Eva Jansen", First: "Eva", Headline: "Data Analyst at Northwind Analytics", Location: "Amsterdam, North Holland, Netherlands",
			Vanity: "eva-jansen-nw", Mutual: 23,
			InvitationID: "7281878960417918976", SharedKey: "Ej2nSn",
		}},
		Others: others[:1],
	},
	{
		File: "12-lookalike-other-domain.eml", Era: "card", Template: "email_m2m_invite_single_01",
		Subject: "I want to connect", Date: day("2025-12-01T03:12:40Z"),
		FromAddr: "invitations@linkedin-notify.net", LinkHost: "www.linkedin-notify.net",
		People: []person{{
			Name: "Daniel Brooks", First: "Daniel", Headline: "Partner at Brooks Capital Advisors", Location: "London, England, United Kingdom",
			Vanity: "daniel-brooks-capital", Mutual: 12,
			Note:         "Hi Robin, we met at the Data Council dinner. Please confirm your account to see my message.",
			InvitationID: "7401129837465729024", SharedKey: "Xx9pHi",
		}},
	},
	{
		File: "13-acceptance-notice.eml", Era: "acceptance", Template: "email_accepted_invite_single_01",
		Subject: "Marina accepted your invitation, explore their network", Date: day("2025-05-19T12:00:09Z"),
		FromAddr: "invitations@linkedin.com",
		People: []person{{
			Name: "Marina Petrova", First: "Marina", Headline: "VP Engineering at Trey Research", Location: "Sofia, Bulgaria",
			Vanity: "marina-petrova-trey", Mutual: 8,
		}},
	},
}

func TestMailFiles(t *testing.T) {
	want := map[string]bool{}
	for i, s := range samples {
		data := render(t, i, s)
		path := filepath.Join("mail", s.File)
		want[s.File] = true
		if *update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s differs from its sample in samples_test.go; run go test ./internal/demo -run TestMailFiles -update", path)
		}
	}
	ents, err := os.ReadDir("mail")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !want[e.Name()] {
			t.Errorf("mail/%s has no sample in samples_test.go", e.Name())
		}
	}
}

// token makes stable, realistic-looking tracking tokens for a sample.
func token(seed string, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var h uint32 = 2166136261
	for i := 0; i < len(seed); i++ {
		h = (h ^ uint32(seed[i])) * 16777619
	}
	b := make([]byte, n)
	for i := range b {
		h = h*1103515245 + 12345
		b[i] = alphabet[(h>>16)%uint32(len(alphabet))]
	}
	return string(b)
}

func render(t *testing.T, i int, s sample) []byte {
	t.Helper()
	from := s.FromAddr
	if from == "" {
		from = "invitations@linkedin.com"
	}
	host := s.LinkHost
	if host == "" {
		host = "www.linkedin.com"
	}
	fromName := s.People[0].Name
	if s.Era == "acceptance" || len(s.People) > 1 {
		fromName = "LinkedIn"
	}
	ms := s.Date.UnixMilli()
	mid := fmt.Sprintf("%d.%d.%d@ltx1-app%d.prod.linkedin.com", 1000000000+int64(i)*7919*1013, 4000000+i*311, ms, 3000+i*17)
	if s.Era == "2016" {
		mid = fmt.Sprintf("%d.%d.%d.JavaMail.app@lva1-app%d.prod.linkedin.com", 543052688+i, 1354069+i, ms, 3333)
	}
	if !strings.HasSuffix(from, "@linkedin.com") {
		mid = fmt.Sprintf("%d.%d@mail.%s", ms, i, strings.TrimPrefix(host, "www."))
	}
	boundary := fmt.Sprintf("----=_Part_%d_%d.%d", 4000000+i*311, 596425972+i, ms)
	midToken := token(s.File+"mid", 22)
	trk := strings.TrimPrefix(s.Template, "email_")

	var text, htm string
	switch s.Era {
	case "2016":
		text, htm = render2016(s, host, midToken)
	case "card":
		text, htm = renderCard(s, host, midToken, trk)
	case "acceptance":
		text, htm = renderAcceptance(s, host, midToken)
	default:
		t.Fatalf("sample %s: unknown era %q", s.File, s.Era)
	}

	var b bytes.Buffer
	date := s.Date.Format("Mon, 2 Jan 2006 15:04:05 -0700") + " (UTC)"
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\n", k, v) }
	returnPath := "s-" + token(s.File+"rp", 12) + "@bounce.linkedin.com"
	if !strings.HasSuffix(from, "@linkedin.com") {
		returnPath = "bounce@" + strings.TrimPrefix(host, "www.")
	}
	hdr("Return-Path", "<"+returnPath+">")
	hdr("From", mime.QEncoding.Encode("utf-8", fromName)+" <"+from+">")
	hdr("Message-ID", "<"+mid+">")
	hdr("Subject", mime.QEncoding.Encode("utf-8", s.Subject))
	hdr("MIME-Version", "1.0")
	fmt.Fprintf(&b, "Content-Type: multipart/alternative; \n\tboundary=%q\n", boundary)
	hdr("To", recipientName+" <"+recipientAddr+">")
	hdr("Date", date)
	hdr("X-LinkedIn-Class", "INVITE-GUEST")
	hdr("X-LinkedIn-Template", s.Template)
	hdr("X-LinkedIn-fbl", "m2-"+token(s.File+"fbl", 40))
	hdr("X-LinkedIn-Id", token(s.File+"id", 8)+"-"+token(s.File+"id2", 8)+"-"+token(s.File+"id3", 2))
	b.WriteString("\n")
	for _, part := range []struct{ ctype, id, body string }{
		{"text/plain;charset=UTF-8", "text-body", text},
		{"text/html;charset=UTF-8", "html-body", htm},
	} {
		fmt.Fprintf(&b, "--%s\nContent-Type: %s\nContent-Transfer-Encoding: quoted-printable\nContent-ID: %s\n\n", boundary, part.ctype, part.id)
		b.WriteString(qp(part.body))
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "--%s--\n", boundary)
	return b.Bytes()
}

// qp encodes s as quoted-printable with LF line ends, as the files store it.
func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

func acceptURL2016(host string, p person, midToken string) string {
	return fmt.Sprintf("https://%s/comm/people/invite-accept?mboxid=I%s_500&sharedKey=%s&fr=false&invitationId=%s&fe=true&midToken=%s&trk=eml-email_m2m_invite_single_01-hero-0-accept%%7Ecta&trkEmail=eml-email_m2m_invite_single_01-hero-0-accept%%7Ecta-null-1b3p5%%7Einqenmmy%%7Eir",
		host, p.InvitationID[:len(p.InvitationID)-3]+"917", p.SharedKey, p.InvitationID, midToken)
}

func acceptURL(host string, p person, midToken, trk string, n int) string {
	return fmt.Sprintf("https://%s/comm/mynetwork/invite-accept/invitationId/%s/sharedKey/%s/?midToken=%s&midSig=%s&trk=eml-%s-member_details-%d-accept~cta&trkEmail=eml-%s-member_details-%d-accept~cta-null-%s&lipi=urn%%3Ali%%3Apage%%3Aemail_%s%%3B%s",
		host, p.InvitationID, p.SharedKey, midToken, token(p.Name+"sig", 18), trk, n, trk, n, token(p.Name+"trk", 16), trk, token(p.Name+"lipi", 22))
}

func profileURL(host string, p person, midToken, trk, what string) string {
	if p.Vanity == "" {
		return fmt.Sprintf("https://%s/comm/profile/view?id=%s&authType=name&authToken=%s&midToken=%s&trk=eml-%s-hero-1-prof%%7E%s",
			host, p.ProfileID, token(p.Name+"auth", 4), midToken, trk, what)
	}
	return fmt.Sprintf("https://%s/comm/in/%s?midToken=%s&midSig=%s&trk=eml-%s-%s-prof~%s&trkEmail=eml-%s-%s-prof~%s-null-%s",
		host, p.Vanity, midToken, token(p.Name+"sig", 18), trk, "member_details", what, trk, "member_details", what, token(p.Name+"trk", 16))
}

func footerText(host, midToken, template string, year int) string {
	return fmt.Sprintf(`
----------------------------------------

This email was intended for %s (%s)
Learn why we included this: https://%s/help/linkedin/answer/4788?lang=en&midToken=%s
You are receiving Invitation emails.

Unsubscribe: https://%s/comm/psettings/email-unsubscribe?lipi=urn%%3Ali%%3Apage%%3A%s&midToken=%s&eid=%s
Help: https://%s/help/linkedin/answer/67?lang=en&midToken=%s

© %d LinkedIn Corporation, 1000 West Maude Avenue, Sunnyvale, CA 94085.
LinkedIn and the LinkedIn logo are registered trademarks of LinkedIn.
`, recipientName, recipientHead, host, midToken, host, template, midToken, token(template+"eid", 12), host, midToken, year)
}

func render2016(s sample, host, midToken string) (string, string) {
	p := s.People[0]
	acc := acceptURL2016(host, p, midToken)
	prof := profileURL(host, p, midToken, "email_m2m_invite_single_01", "cta")
	text := fmt.Sprintf("Hi %s,\n\n%s\n\n%s\n%s\n\nView profile: %s\n\nAccept: %s\n\n.....................................\n\nUnsubscribe: https://%s/e/v2?e=1b3p5-inqenmmy-ir&t=lun&midToken=%s&ek=email_m2m_invite_single_01&li=10&m=unsub&ts=unsub\n\nHelp: https://%s/e/v2?e=1b3p5-inqenmmy-ir&a=customerServiceUrl&midToken=%s&ek=email_m2m_invite_single_01&li=9&m=footer&ts=help&articleId=67\n\n\nYou are receiving Invitation emails.\n\nThis email was intended for %s (%s).\nLearn why we included this: https://%s/e/v2?e=1b3p5-inqenmmy-ir&a=customerServiceUrl&midToken=%s&ek=email_m2m_invite_single_01&articleId=4788\n\n© %d LinkedIn Corporation, 2029 Stierlin Court, Mountain View CA 94043. LinkedIn and the LinkedIn logo are registered trademarks of LinkedIn.\n",
		recipientFirst, p.Note, p.Name, p.Headline, prof, acc, host, midToken, host, midToken, recipientName, recipientHead, host, midToken, s.Date.Year())
	e := html.EscapeString
	htm := fmt.Sprintf(`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en"><head> <meta http-equiv="Content-Type" content="text/html; charset=utf-8"> <meta name="viewport" content="width=device-width"> <title></title> </head> <body style="padding:0;margin:0 auto;-webkit-text-size-adjust:100%%;width:100%% !important;font-family:'Helvetica Neue',Helvetica,Arial,sans-serif;"> <div style="overflow:hidden;color:transparent;visibility:hidden;mso-hide:all;width:0;font-size:0;opacity:0;height:0;"> Hi %[1]s, %[2]s </div> <table align="center" border="0" cellspacing="0" cellpadding="0" width="100%%" bgcolor="#EDF0F3" style="background-color:#EDF0F3;table-layout:fixed;"> <tbody> <tr> <td align="center"> <center style="width:100%%;"> <table border="0" class="phoenix-email-container" cellspacing="0" cellpadding="0" width="512" bgcolor="#FFFFFF" style="background-color:#FFFFFF;margin:0 auto;max-width:512px;"> <tbody> <tr> <td bgcolor="#F6F8FA" style="background-color:#F6F8FA;padding:12px;border-bottom:1px solid #ECECEC;"> <table border="0" cellspacing="0" cellpadding="0" width="100%%"> <tbody> <tr> <td align="left" valign="middle"><a href="https://%[3]s/comm/nhome/?midToken=%[4]s&amp;trk=eml-email_m2m_invite_single_01-header-4-home" style="cursor:pointer;color:#008CC9;display:inline-block;text-decoration:none;"> <img alt="LinkedIn" border="0" src="https://static.licdn.com/scds/common/u/images/email/phoenix/logos/logo_phoenix_header_blue_78x66_v1.png" height="34" width="40"></a></td> <td valign="middle" width="100%%" align="right" style="padding:0 0 0 10px;"><span style="color:#4C4C4C;font-weight:400;font-size:14px;line-height:1.429;">%[5]s</span></td> </tr> </tbody> </table></td> </tr> <tr> <td style="padding:24px 24px 36px 24px;"> <table border="0" cellspacing="0" cellpadding="0" width="100%%"> <tbody> <tr> <td align="left"> <p style="margin:0;word-wrap:break-word;color:#4C4C4C;font-weight:400;font-size:16px;line-height:1.5;">Hi %[1]s, %[2]s</p></td> </tr> <tr> <td align="left" style="padding:22px 0 16px 0;"> <table border="0" cellspacing="0" cellpadding="0" width="100%%"> <tbody> <tr> <td valign="top" style="padding:0 15px 0 0;"><a href="%[6]s" style="cursor:pointer;color:#008CC9;display:inline-block;text-decoration:none;"><img src="https://media.licdn.com/mpr/mpr/shrinknp_100_100/AAEAAQAAAAAAAAK%[7]s.jpg" alt="" height="70" width="70" style="border-radius:50%%;"></a></td> <td valign="top" width="100%%"><a href="%[6]s" style="cursor:pointer;color:#008CC9;display:inline-block;text-decoration:none;"> <span style="word-wrap:break-word;color:#262626;font-weight:700;font-size:16px;line-height:1.5;">%[8]s</span></a> <p style="margin:0;word-wrap:break-word;color:#737373;font-weight:400;font-size:14px;line-height:1.429;">%[9]s</p> <p style="margin:0;color:#737373;font-weight:400;font-size:14px;line-height:1.429;">%[10]s</p></td> </tr> </tbody> </table></td> </tr> <tr> <td dir="rtl" align="left" style="direction:rtl !important;text-align:left !important;"> <span style="display:inline-block;margin-top:12px;"> <table border="0" cellpadding="0" cellspacing="0" style="display:inline-block;"> <tbody> <tr> <td bgcolor="#008CC9" style="padding:6px 16px;color:#FFFFFF;font-weight:500;font-size:16px;border-color:#008CC9;background-color:#008CC9;border-radius:2px;border-width:1px;border-style:solid;"><a href="%[11]s" target="_blank" style="cursor:pointer;color:#FFFFFF;display:inline-block;text-decoration:none;">Accept</a></td> </tr> </tbody> </table></span> <span style="display:inline-block;margin-top:12px;margin-right:12px;"> <table border="0" cellpadding="0" cellspacing="0" style="display:inline-block;"> <tbody> <tr> <td style="border-radius:2px;padding:6px 16px;color:#4C4C4C;font-weight:500;font-size:16px;border-color:#737373;border-width:1px;border-style:solid;"><a href="%[6]s" target="_blank" style="cursor:pointer;color:#4C4C4C;display:inline-block;text-decoration:none;">View profile</a></td> </tr> </tbody> </table></span></td> </tr> </tbody> </table></td> </tr> <tr> <td style="padding:16px 24px;background-color:#EDF0F3;"> <p style="margin:0;color:#737373;font-size:12px;">You are receiving Invitation emails. <a href="https://%[3]s/e/v2?e=1b3p5-inqenmmy-ir&amp;t=lun&amp;midToken=%[4]s&amp;m=unsub" style="color:#737373;text-decoration:underline;">Unsubscribe</a></p> <p style="margin:0;color:#737373;font-size:12px;">This email was intended for %[5]s (%[12]s). <a href="https://%[3]s/e/v2?e=1b3p5-inqenmmy-ir&amp;a=customerServiceUrl&amp;articleId=4788" style="color:#737373;text-decoration:underline;">Learn why we included this.</a></p> <p style="margin:0;color:#737373;font-size:12px;">&copy; %[13]d LinkedIn Corporation, 2029 Stierlin Court, Mountain View CA 94043. LinkedIn and the LinkedIn logo are registered trademarks of LinkedIn.</p></td> </tr> </tbody> </table> </center></td> </tr> </tbody> </table> </body></html>`,
		recipientFirst, e(p.Note), host, midToken, recipientName, e(prof), token(p.Name+"img", 40), e(p.Name), e(p.Headline), e(p.Location), e(acc), e(recipientHead), s.Date.Year())
	return text, htm
}

// preheader is the hidden preview text of the cards, padded with the
// invisible characters LinkedIn uses.
func preheader(text string) string {
	return text + strings.Repeat("&#847;&nbsp;", 40)
}

func titleCompany(headline string) (string, string) {
	if i := strings.Index(headline, " at "); i > 0 {
		c := headline[i+4:]
		if j := strings.IndexAny(c, "|,"); j > 0 {
			c = strings.TrimSpace(c[:j])
		}
		return headline[:i], c
	}
	return headline, ""
}

func renderCard(s sample, host, midToken, trk string) (string, string) {
	e := html.EscapeString
	var text, cards strings.Builder
	p0 := s.People[0]
	var pre string
	switch {
	case len(s.People) > 1:
		pre = fmt.Sprintf("%s, you have %d new invitations", recipientFirst, len(s.People))
		fmt.Fprintf(&text, "You have %d new invitations\n\n", len(s.People))
	case s.Reminder:
		title, company := titleCompany(p0.Headline)
		pre = fmt.Sprintf("%s, %s from %s is waiting for your response", p0.First, title, company)
		fmt.Fprintf(&text, "%s is waiting for your response\n\n", p0.Name)
	default:
		title, company := titleCompany(p0.Headline)
		if company != "" {
			pre = fmt.Sprintf("%s, %s from %s is waiting for your response", p0.First, title, company)
		} else {
			pre = fmt.Sprintf("%s, %s is waiting for your response", p0.First, title)
		}
		fmt.Fprintf(&text, "Hi %s,\n\n", recipientFirst)
	}
	for n, p := range s.People {
		acc := acceptURL(host, p, midToken, trk, n)
		prof := profileURL(host, p, midToken, trk, "name")
		fmt.Fprintf(&text, "%s\n%s\n%s\n", p.Name, p.Headline, p.Location)
		mutual := ""
		if p.Mutual > 0 {
			word := "connections"
			if p.Mutual == 1 {
				word = "connection"
			}
			fmt.Fprintf(&text, "%d %s in common\n", p.Mutual, word)
			mutual = fmt.Sprintf(`<tr> <td style="padding-top:4px;"> <p style="margin:0;font-size:12px;line-height:1.333;color:rgba(0,0,0,0.6);">%d %s in common</p></td> </tr>`, p.Mutual, word)
		}
		note := ""
		if p.Note != "" {
			fmt.Fprintf(&text, "\n\"%s\"\n", p.Note)
			note = fmt.Sprintf(`<tr> <td style="padding-top:16px;"> <table role="presentation" border="0" cellspacing="0" cellpadding="0" width="100%%" style="background-color:#F3F2EF;border-radius:8px;"> <tbody> <tr> <td style="padding:12px 16px;"> <p style="margin:0;font-size:14px;line-height:1.429;color:rgba(0,0,0,0.9);font-style:italic;">%s</p></td> </tr> </tbody> </table></td> </tr>`, e(p.Note))
		}
		fmt.Fprintf(&text, "\nAccept: %s\n\nView profile: %s\n\n", acc, prof)
		fmt.Fprintf(&cards, `<tr> <td style="padding:24px 24px 0 24px;"> <table role="presentation" border="0" cellspacing="0" cellpadding="0" width="100%%"> <tbody> <tr> <td width="72" valign="top" style="padding-right:16px;"><a href="%[1]s" style="color:#0A66C2;display:inline-block;text-decoration:none;"><img src="https://media.licdn.com/dms/image/v2/D4E03AQ%[2]s/profile-displayphoto-shrink_200_200/0/%[3]d?e=2147483647&amp;v=beta&amp;t=%[4]s" alt="%[5]s" height="72" width="72" style="border-radius:50%%;"></a></td> <td valign="top"> <table role="presentation" border="0" cellspacing="0" cellpadding="0" width="100%%"> <tbody> <tr> <td><a href="%[1]s" style="color:rgba(0,0,0,0.9);display:inline-block;text-decoration:none;font-size:16px;font-weight:600;line-height:1.25;">%[5]s</a></td> </tr> <tr> <td style="padding-top:4px;"> <p style="margin:0;font-size:14px;line-height:1.429;color:rgba(0,0,0,0.9);">%[6]s</p></td> </tr> <tr> <td style="padding-top:4px;"> <p style="margin:0;font-size:12px;line-height:1.333;color:rgba(0,0,0,0.6);">%[7]s</p></td> </tr> %[8]s </tbody> </table></td> </tr> %[9]s <tr> <td colspan="2" style="padding-top:16px;"> <table role="presentation" border="0" cellspacing="0" cellpadding="0"> <tbody> <tr> <td style="padding-right:8px;"><a href="%[10]s" target="_blank" style="display:inline-block;background-color:#0A66C2;color:#FFFFFF;border-radius:24px;padding:10px 24px;font-size:16px;font-weight:600;text-decoration:none;">Accept</a></td> <td><a href="%[1]s" target="_blank" style="display:inline-block;border:1px solid #0A66C2;color:#0A66C2;border-radius:24px;padding:10px 24px;font-size:16px;font-weight:600;text-decoration:none;">View profile</a></td> </tr> </tbody> </table></td> </tr> </tbody> </table></td> </tr>`,
			e(prof), token(p.Name+"img", 12), s.Date.UnixMilli()-86400000, token(p.Name+"t", 43), e(p.Name), e(p.Headline), e(p.Location), mutual, note, e(acc))
	}
	var more strings.Builder
	if len(s.Others) > 0 {
		text.WriteString("More people you may know\n\n")
		more.WriteString(`<tr> <td style="padding:32px 24px 0 24px;"> <h2 style="margin:0;font-size:20px;font-weight:600;line-height:1.2;color:rgba(0,0,0,0.9);">More people you may know</h2></td> </tr>`)
		for _, o := range s.Others {
			prof := profileURL(host, o, midToken, trk, "pymk")
			fmt.Fprintf(&text, "%s\n%s\nView profile: %s\n\n", o.Name, o.Headline, prof)
			fmt.Fprintf(&more, `<tr> <td style="padding:16px 24px 0 24px;"> <table role="presentation" border="0" cellspacing="0" cellpadding="0" width="100%%"> <tbody> <tr> <td width="48" valign="top" style="padding-right:12px;"><a href="%[1]s" style="text-decoration:none;"><img src="https://media.licdn.com/dms/image/v2/C4D03AQ%[2]s/profile-displayphoto-shrink_100_100/0/1590000000000?e=2147483647&amp;v=beta" alt="%[3]s" height="48" width="48" style="border-radius:50%%;"></a></td> <td valign="top"><a href="%[1]s" style="color:rgba(0,0,0,0.9);text-decoration:none;font-size:14px;font-weight:600;">%[3]s</a> <p style="margin:0;font-size:12px;color:rgba(0,0,0,0.6);">%[4]s</p></td> <td valign="middle" align="right"><a href="%[1]s" style="display:inline-block;border:1px solid rgba(0,0,0,0.6);color:rgba(0,0,0,0.6);border-radius:24px;padding:6px 16px;font-size:14px;font-weight:600;text-decoration:none;">View profile</a></td> </tr> </tbody> </table></td> </tr>`,
				e(prof), token(o.Name+"img", 12), e(o.Name), e(o.Headline))
		}
	}
	text.WriteString(footerText(host, midToken, s.Template, s.Date.Year()))
	htm := fmt.Sprintf(`<!DOCTYPE html><html lang="en" xmlns="http://www.w3.org/1999/xhtml"><head> <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"> <meta name="viewport" content="width=device-width, initial-scale=1.0"> <meta name="x-apple-disable-message-reformatting"> <title>%[1]s</title> <style type="text/css">@media (max-width: 600px) { .card { width: 100%% !important; } }</style> </head> <body style="margin:0;padding:0;background-color:#F3F2EF;"> <div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">%[2]s</div> <table role="presentation" align="center" border="0" cellspacing="0" cellpadding="0" width="100%%" style="background-color:#F3F2EF;"> <tbody> <tr> <td align="center" style="padding:24px 0;"> <table role="presentation" class="card" border="0" cellspacing="0" cellpadding="0" width="552" style="background-color:#FFFFFF;border-radius:8px;font-family:-apple-system,system-ui,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"> <tbody> <tr> <td style="padding:24px 24px 0 24px;"> <table role="presentation" border="0" cellspacing="0" cellpadding="0" width="100%%"> <tbody> <tr> <td align="left"><a href="https://%[3]s/comm/feed/?lipi=urn%%3Ali%%3Apage%%3Aemail_%[4]s&amp;midToken=%[5]s&amp;trk=eml-%[4]s-header-0-home_glimmer" style="text-decoration:none;"><img alt="LinkedIn" src="https://static.licdn.com/aero-v1/sc/h/9ehe6n39fa07dc5edzv0rla4e" height="21" width="84" style="display:block;"></a></td> <td align="right" style="font-size:14px;color:rgba(0,0,0,0.6);">%[6]s</td> </tr> </tbody> </table></td> </tr> %[7]s %[8]s <tr> <td style="padding:32px 24px 24px 24px;"> <hr style="border:none;border-top:1px solid #E8E8E8;margin:0 0 16px 0;"> <p style="margin:0 0 8px 0;font-size:12px;color:rgba(0,0,0,0.6);">This email was intended for %[6]s (%[9]s)</p> <p style="margin:0 0 8px 0;font-size:12px;color:rgba(0,0,0,0.6);"><a href="https://%[3]s/help/linkedin/answer/4788?lang=en&amp;midToken=%[5]s" style="color:#0A66C2;text-decoration:underline;">Learn why we included this.</a></p> <p style="margin:0 0 8px 0;font-size:12px;color:rgba(0,0,0,0.6);">You are receiving Invitation emails. <a href="https://%[3]s/comm/psettings/email-unsubscribe?lipi=urn%%3Ali%%3Apage%%3Aemail_%[4]s&amp;midToken=%[5]s" style="color:#0A66C2;text-decoration:underline;">Unsubscribe</a> · <a href="https://%[3]s/help/linkedin/answer/67?lang=en&amp;midToken=%[5]s" style="color:#0A66C2;text-decoration:underline;">Help</a></p> <p style="margin:0;font-size:12px;color:rgba(0,0,0,0.6);">&copy; %[10]d LinkedIn Corporation, 1&zwnj;000 West Maude Avenue, Sunnyvale, CA 94085. LinkedIn and the LinkedIn logo are registered trademarks of LinkedIn.</p></td> </tr> </tbody> </table></td> </tr> </tbody> </table> </body></html>`,
		e(s.Subject), preheader(e(pre)), host, trk, midToken, recipientName, cards.String(), more.String(), e(recipientHead), s.Date.Year())
	return text.String(), htm
}

func renderAcceptance(s sample, host, midToken string) (string, string) {
	e := html.EscapeString
	p := s.People[0]
	prof := profileURL(host, p, midToken, "accepted_invite_single_01", "name")
	msg := fmt.Sprintf("https://%s/messaging/compose/?recipient=%s&midToken=%s", host, p.Vanity, midToken)
	text := fmt.Sprintf("%s accepted your invitation. Start a conversation with your new connection.\n\n%s\n%s\n%s\n\nMessage: %s\n\nView profile: %s\n\nExplore their network to see who else you know.\n%s",
		p.First, p.Name, p.Headline, p.Location, msg, prof, footerText(host, midToken, s.Template, s.Date.Year()))
	htm := fmt.Sprintf(`<!DOCTYPE html><html lang="en"><head> <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"> <title>%[1]s</title> </head> <body style="margin:0;padding:0;background-color:#F3F2EF;"> <div style="display:none;max-height:0;overflow:hidden;">%[2]s</div> <table role="presentation" align="center" width="552" style="background-color:#FFFFFF;border-radius:8px;font-family:-apple-system,system-ui,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"> <tbody> <tr> <td style="padding:24px;"> <h2 style="margin:0 0 16px 0;font-size:20px;font-weight:600;">%[3]s accepted your invitation</h2> <table role="presentation" width="100%%"> <tbody> <tr> <td width="72" valign="top"><a href="%[4]s"><img src="https://media.licdn.com/dms/image/v2/D4D03AQ%[5]s/profile-displayphoto-shrink_200_200/0/1700000000000" alt="%[6]s" height="72" width="72" style="border-radius:50%%;"></a></td> <td valign="top"><a href="%[4]s" style="color:rgba(0,0,0,0.9);text-decoration:none;font-size:16px;font-weight:600;">%[6]s</a> <p style="margin:4px 0 0 0;font-size:14px;">%[7]s</p> <p style="margin:4px 0 0 0;font-size:12px;color:rgba(0,0,0,0.6);">%[8]s</p></td> </tr> </tbody> </table> <p style="margin:16px 0 0 0;"><a href="%[9]s" style="display:inline-block;background-color:#0A66C2;color:#FFFFFF;border-radius:24px;padding:10px 24px;font-weight:600;text-decoration:none;">Message</a> <a href="%[4]s" style="display:inline-block;border:1px solid #0A66C2;color:#0A66C2;border-radius:24px;padding:10px 24px;font-weight:600;text-decoration:none;">View profile</a></p> <p style="margin:24px 0 0 0;font-size:12px;color:rgba(0,0,0,0.6);">This email was intended for %[10]s (%[11]s). &copy; %[12]d LinkedIn Corporation, 1000 West Maude Avenue, Sunnyvale, CA 94085.</p></td> </tr> </tbody> </table> </body></html>`,
		e(s.Subject), preheader(e(fmt.Sprintf("%s, start a conversation with your new connection", recipientFirst))), e(p.First), e(prof), token(p.Name+"img", 12), e(p.Name), e(p.Headline), e(p.Location), e(msg), recipientName, e(recipientHead), s.Date.Year())
	return text, htm
}
