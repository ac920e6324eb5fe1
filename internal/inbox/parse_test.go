package inbox

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func parseFile(t *testing.T, path string) (Message, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(f)
}

// TestParseRealEmails checks the three real 2016 LinkedIn emails field by
// field, independently of the golden files.
func TestParseRealEmails(t *testing.T) {
	tests := []struct {
		file                   string
		name, first, headline  string
		location, profile, id  string
		messageID, recipient   string
		template, acceptPrefix string
	}{
		{
			file: "testdata/real/2016-04-m2m-invitation.eml", name: "Steven Footle", first: "Steven",
			headline: "Principal Test Architect and Agile Leader - Certified ScrumMaster", location: "Greater Boston Area",
			profile:   "https://www.linkedin.com/profile/view?id=AAsAAAAIW1gBCVPJFcvlZjm6AtEfNiLTNya_HqA",
			id:        "6122153757099996400",
			messageID: "997770868.3756094.1459635211566.JavaMail.app@lva1-app3333.prod.linkedin.com",
			recipient: "Paul Hammant", template: "M2M_Invitation",
			acceptPrefix: "https://www.linkedin.com/comm/people/invite-accept?mboxid=I6122153999904439999_500&sharedKey=-aWVMgrZ&",
		},
		{
			file: "testdata/real/2016-05-single01-a.eml", name: "Michael McAuliffe", first: "Michael",
			headline: "Managing Director", location: "Charlotte, North Carolina Area",
			profile:   "https://www.linkedin.com/profile/view?id=AAsAAAJUVTYBWkKAZwppmyYBjwgm1AI0nKRyTwA",
			id:        "6132985418842456064",
			messageID: "543052688.1354069.1462217686519.JavaMail.app@lva1-app3333.prod.linkedin.com",
			recipient: "Paul Hammant", template: "email_m2m_invite_single_01",
			acceptPrefix: "https://www.linkedin.com/comm/people/invite-accept?mboxid=I6132985453227360256_500&sharedKey=48j6iM8P&",
		},
		{
			file: "testdata/real/2016-05-single01-b.eml", name: "Foo Bar", first: "Foo",
			headline: "Vice President", location: "Greater New York City Area",
			profile:   "https://www.linkedin.com/profile/view?id=AAsAAAFlvJcBCnnIlLvQhDO6ZBU5rdb7fAb_-IU",
			id:        "6132926046288310272",
			messageID: "311349338.1161874.1462203530637.JavaMail.app@lva1-app3333.prod.linkedin.com",
			recipient: "Paul Hammant", template: "email_m2m_invite_single_01",
			acceptPrefix: "https://www.linkedin.com/comm/people/invite-accept?mboxid=I6132926076281774083_500&sharedKey=w447gWge&",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			msg, err := parseFile(t, tt.file)
			if err != nil {
				t.Fatalf("Parse(%q) error = %v, want nil", tt.file, err)
			}
			if msg.MessageID != tt.messageID || msg.Template != tt.template || msg.From != "invitations@linkedin.com" {
				t.Errorf("Parse(%q) header = %q %q %q, want %q %q invitations@linkedin.com", tt.file, msg.MessageID, msg.Template, msg.From, tt.messageID, tt.template)
			}
			if len(msg.Invitations) != 1 {
				t.Fatalf("Parse(%q) gave %d invitations, want 1", tt.file, len(msg.Invitations))
			}
			inv := msg.Invitations[0]
			checks := []struct{ field, got, want string }{
				{"Name", inv.Name, tt.name},
				{"FirstName", inv.FirstName, tt.first},
				{"Headline", inv.Headline, tt.headline},
				{"Location", inv.Location, tt.location}, // only in the HTML part
				{"Note", inv.Note, "I'd like to join your LinkedIn network."},
				{"ProfileURL", inv.ProfileURL, tt.profile},
				{"InvitationID", inv.InvitationID, tt.id},
				{"Recipient", inv.Recipient, tt.recipient},
				{"MessageID", inv.MessageID, tt.messageID},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("Parse(%q).%s = %q, want %q", tt.file, c.field, c.got, c.want)
				}
			}
			if !inv.DefaultNote {
				t.Errorf("Parse(%q).DefaultNote = false, want true", tt.file)
			}
			if inv.Reminder || inv.MutualConnections != nil || inv.Connections != nil {
				t.Errorf("Parse(%q) Reminder=%v Mutual=%v Connections=%v, want false nil nil", tt.file, inv.Reminder, inv.MutualConnections, inv.Connections)
			}
			if strings.Contains(inv.InvitationID, "_500") || strings.HasPrefix(inv.InvitationID, "I") {
				t.Errorf("Parse(%q).InvitationID = %q looks like the mboxid", tt.file, inv.InvitationID)
			}
			if !strings.HasPrefix(inv.AcceptURL, tt.acceptPrefix) || strings.Contains(inv.AcceptURL, "&amp;") || strings.Contains(inv.AcceptURL, "=3D") {
				t.Errorf("Parse(%q).AcceptURL = %q, want a decoded URL starting %q", tt.file, inv.AcceptURL, tt.acceptPrefix)
			}
			if inv.Date.IsZero() || !inv.Date.Equal(msg.Date) {
				t.Errorf("Parse(%q).Date = %v, message date %v", tt.file, inv.Date, msg.Date)
			}
		})
	}
}

// TestParseFixtureProperties checks what must hold for every fixture,
// whatever the golden files say.
func TestParseFixtureProperties(t *testing.T) {
	for _, path := range fixtures(t) {
		msg, err := parseFile(t, path)
		if err != nil {
			if len(msg.Invitations) != 0 {
				t.Errorf("Parse(%q) = %d invitations with error %v", path, len(msg.Invitations), err)
			}
			continue
		}
		if len(msg.Invitations) == 0 {
			t.Errorf("Parse(%q) = no invitations and no error", path)
		}
		for _, inv := range msg.Invitations {
			checkInvitation(t, path, inv)
		}
	}
}

// checkInvitation asserts the invariants of a parsed invitation.
func checkInvitation(t *testing.T, src string, inv Invitation) {
	t.Helper()
	if strings.TrimSpace(inv.Name) == "" {
		t.Errorf("%s: invitation without a name: %+v", src, inv)
	}
	if inv.FirstName != "" && !strings.Contains(strings.ToLower(inv.Name), strings.ToLower(inv.FirstName)) {
		t.Errorf("%s: FirstName %q is not part of Name %q", src, inv.FirstName, inv.Name)
	}
	if inv.ProfileURL != "" {
		if CleanProfileURL(inv.ProfileURL) != inv.ProfileURL {
			t.Errorf("%s: ProfileURL %q is not clean", src, inv.ProfileURL)
		}
		low := strings.ToLower(inv.ProfileURL)
		for _, bad := range []string{"token", "trk", "midsig", "lipi", "auth"} {
			if strings.Contains(low, bad) {
				t.Errorf("%s: ProfileURL %q carries %q", src, inv.ProfileURL, bad)
			}
		}
	}
	if inv.Connections != nil {
		t.Errorf("%s: Connections = %d, the emails never carry it", src, *inv.Connections)
	}
	if inv.DefaultNote && inv.Note == "" {
		t.Errorf("%s: DefaultNote without a note", src)
	}
	if inv.InvitationID != "" && inv.AcceptURL == "" {
		t.Errorf("%s: InvitationID %q without AcceptURL", src, inv.InvitationID)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless yields a LinkedIn header and then never-ending body text.
type endless struct{ head []byte }

func (e *endless) Read(p []byte) (int, error) {
	if len(e.head) > 0 {
		n := copy(p, e.head)
		e.head = e.head[n:]
		return n, nil
	}
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestParseTooLarge(t *testing.T) {
	head := "From: Jane Doe <invitations@linkedin.com>\r\nSubject: I want to connect\r\nMessage-ID: <big@linkedin.com>\r\n" +
		"Date: Mon, 3 Jun 2024 12:00:45 +0000\r\nContent-Type: text/plain\r\n\r\n"
	cr := &countingReader{r: &endless{head: []byte(head)}}
	msg, err := Parse(cr)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Parse(endless) error = %v, want ErrTooLarge", err)
	}
	if cr.n > MaxMessageSize+1 {
		t.Errorf("Parse(endless) read %d bytes, want at most %d", cr.n, MaxMessageSize+1)
	}
	if msg.MessageID != "big@linkedin.com" || msg.Subject != "I want to connect" || msg.From != "invitations@linkedin.com" {
		t.Errorf("Parse(endless) header = %+v, want the header fields filled", msg)
	}

	// Exactly MaxMessageSize bytes is allowed.
	body := bytes.Repeat([]byte("x"), MaxMessageSize-len(head))
	if _, err := Parse(io.MultiReader(strings.NewReader(head), bytes.NewReader(body))); errors.Is(err, ErrTooLarge) {
		t.Errorf("Parse(message of exactly MaxMessageSize) = ErrTooLarge, want it read")
	}
}

// TestParseErrorsKeepHeader checks that a malformed invitation still
// reports its header fields, so the caller can name the message.
func TestParseErrorsKeepHeader(t *testing.T) {
	tests := []struct {
		file, wantErr string
	}{
		{"testdata/malformed/truncated-multipart.eml", "closing boundary"},
		{"testdata/malformed/truncated-qp.eml", "quoted-printable body is truncated"},
		{"testdata/malformed/unknown-encoding.eml", `unknown transfer encoding "x-uuencode"`},
		{"testdata/malformed/bad-base64.eml", "malformed base64 body"},
		{"testdata/malformed/headers-only.eml", "no body"},
		{"testdata/malformed/no-boundary.eml", "without a boundary"},
		{"testdata/malformed/unrecognised-layout.eml", "unrecognised layout"},
	}
	for _, tt := range tests {
		msg, err := parseFile(t, tt.file)
		if err == nil || errors.Is(err, ErrNotInvitation) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Parse(%q) error = %v, want one containing %q", tt.file, err, tt.wantErr)
			continue
		}
		if msg.MessageID == "" || msg.Subject == "" || msg.From == "" || msg.Date.IsZero() {
			t.Errorf("Parse(%q) header = %+v, want MessageID, Subject, From and Date filled", tt.file, msg)
		}
	}
	for _, file := range []string{"testdata/malformed/garbage.eml", "testdata/malformed/missing-header-section.eml"} {
		if _, err := parseFile(t, file); err == nil || !strings.Contains(err.Error(), "missing header section") {
			t.Errorf("Parse(%q) error = %v, want missing header section", file, err)
		}
	}
	if _, err := Parse(strings.NewReader("")); err == nil || errors.Is(err, ErrNotInvitation) {
		t.Errorf("Parse(empty) error = %v, want an error", err)
	}
}

func TestParseNotInvitation(t *testing.T) {
	for _, file := range []string{
		"testdata/notinvitation/accepted-invitation.eml",
		"testdata/notinvitation/new-connection.eml",
		"testdata/notinvitation/non-linkedin.eml",
		"testdata/notinvitation/linkedin-newsletter.eml",
	} {
		msg, err := parseFile(t, file)
		if !errors.Is(err, ErrNotInvitation) {
			t.Errorf("Parse(%q) error = %v, want ErrNotInvitation", file, err)
		}
		if msg.Subject == "" || msg.From == "" || msg.MessageID == "" {
			t.Errorf("Parse(%q) header = %+v, want it filled", file, msg)
		}
	}
}

func TestParseDigest(t *testing.T) {
	msg, err := parseFile(t, "testdata/digest/digest-02.eml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, inv := range msg.Invitations {
		names = append(names, inv.Name)
	}
	want := "Nadia Haddad,Ben Carter,Sofia Petrova"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("Parse(digest) names = %s, want %s", got, want)
	}
	ids := map[string]bool{}
	for _, inv := range msg.Invitations {
		if inv.InvitationID == "" || ids[inv.InvitationID] {
			t.Errorf("Parse(digest) invitation %q has ID %q, want distinct non-empty IDs", inv.Name, inv.InvitationID)
		}
		ids[inv.InvitationID] = true
	}
}

// TestParseIgnoresPeopleYouMayKnow checks that the list of other people
// under 2023+ cards never becomes the inviter.
func TestParseIgnoresPeopleYouMayKnow(t *testing.T) {
	others := []string{"Ana Lima", "Tomasz Nowak", "Grace Okafor", "analima-dev", "tomasz-nowak", "graceokafor"}
	for _, file := range []string{
		"testdata/2023/i-want-to-connect-note-pymk.eml",
		"testdata/2024/i-want-to-connect-no-note-pymk.eml",
		"testdata/encoding/html-only.eml",
		"testdata/reminder/reminder-02.eml",
	} {
		msg, err := parseFile(t, file)
		if err != nil {
			t.Fatalf("Parse(%q): %v", file, err)
		}
		if len(msg.Invitations) != 1 {
			t.Fatalf("Parse(%q) = %d invitations, want 1", file, len(msg.Invitations))
		}
		inv := msg.Invitations[0]
		for _, o := range others {
			if strings.Contains(inv.Name, o) || strings.Contains(inv.ProfileURL, o) || strings.Contains(inv.Headline, o) {
				t.Errorf("Parse(%q) took %q from the people-you-may-know list: %+v", file, o, inv)
			}
		}
		if inv.Name != msg.FromName {
			t.Errorf("Parse(%q).Name = %q, want the sender %q", file, inv.Name, msg.FromName)
		}
	}
}

func TestSplitHeadline(t *testing.T) {
	tests := []struct{ in, title, company string }{
		{"Senior Director of Engineering at HedgeServ", "Senior Director of Engineering", "HedgeServ"},
		{"Senior Software Engineer @ Zalando", "Senior Software Engineer", "Zalando"},
		{"Director of QA from Rakuten", "Director of QA", "Rakuten"},
		{"CTO@Acme", "CTO", "Acme"},
		{"Responsabile Marketing presso Ferrero", "Responsabile Marketing", "Ferrero"},
		{"Engineering Manager at Globex | Building reliable payment syst…", "Engineering Manager", "Globex"},
		{"Head of Sales at Initech Corpor…", "Head of Sales", ""},
		{"Staff Engineer | Hooli", "Staff Engineer", "Hooli"},
		{"Site Reliability Engineer | Kubernetes | Go", "", ""},
		{"Managing Director", "", ""},
		{"Principal Test Architect and Agile Leader - Certified ScrumMaster", "", ""},
		{"Recruiter - jane@example.com", "", ""},
		{"Founder | Building tools for independent bookshops", "", ""},
		{"Backend Engineer | Go, Kafka, Postgres", "", ""},
		{"Senior Analyst | Bank of America", "Senior Analyst", "Bank of America"},
		{"Teamleiter Softwareentwicklung bei Rheinwerk Logistik GmbH", "Teamleiter Softwareentwicklung", "Rheinwerk Logistik GmbH"},
		{"Directrice commerciale chez Brasserie du Vieux Port", "Directrice commerciale", "Brasserie du Vieux Port"},
		{"", "", ""},
	}
	for _, tt := range tests {
		title, company := splitHeadline(tt.in)
		if title != tt.title || company != tt.company {
			t.Errorf("splitHeadline(%q) = %q, %q, want %q, %q", tt.in, title, company, tt.title, tt.company)
		}
	}
}

func TestMutualCount(t *testing.T) {
	tests := []struct {
		in   string
		want int // -1: none
	}{
		{"8 connections in common", 8},
		{"1 connection in common", 1},
		{"Lisbon, Portugal · 1,204 mutual connections", 1204},
		{"Jane Roe and 11 other mutual connections", 12},
		{"Ana Lima and 1 other mutual connection", 2},
		{"Ana Lima and Tomasz Nowak are mutual connections", 2},
		{"Ana Lima, Tomasz Nowak and Li Wei are shared connections", 3},
		{"Ana Lima, Tomasz Nowak & 8 other mutual connections", 10},
		{"Ana Lima, Tomasz Nowak and 8 other mutual connections", 10},
		{"Ana Lima, Tomasz Nowak, and 5 other mutual connections", 7},
		{"Jane Doe, PhD and 4 other mutual connections", 5},
		{"Lisbon, Portugal · Jane Roe and 11 other mutual connections", 12},
		{"Jane Roe is a mutual connection", 1},
		{"12 collegamenti in comune", 12},
		{"3 relations en commun", 3},
		{"12 gemeenschappelijke connecties", 12},
		{"1 gemeenschappelijke connectie", 1},
		{"12 gemensamma kontakter", 12},
		{"1 gemensam kontakt", 1},
		{"1 204 gemensamma kontakter", 1204},
		{"12 wspólnych kontaktów", 12},
		{"2 wspólne kontakty", 2},
		{"1 wspólny kontakt", 1},
		{"12 ortak bağlantı", 12},
		{"共通のつながり12人", 12},
		{"共通のつながり: 1,204人", 1204},
		{"12人の共通のつながり", 12},
		{"Greater Boston Area", -1},
		{"500+ connections", -1},
	}
	for _, tt := range tests {
		got := mutualCount(tt.in)
		if (got == nil) != (tt.want < 0) || got != nil && *got != tt.want {
			t.Errorf("mutualCount(%q) = %v, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCountLine(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"12 gemeenschappelijke connecties", true},
		{"12 yhteistä kontaktia", true},
		{"1.204 gemeinsame Kontakte", true},
		{"1 204 relations en commun", true},
		{"500+ connections", true},
		{"共通のつながり12人", true},
		{"12人", true},
		{"١٢ اتصالًا مشتركًا", true},
		{"Met at GopherCon 2023", false},
		{"12 years at Google.", false},
		{"“12 years at Google”", false},
		{"2 questions about your talk, Paul?", false},
		{"Bengaluru, Karnataka, India", false},
		{"London", false},
		{"Hi Paul, 12 of us met at GopherCon", false},
		{"see https://example.com/1", false},
		{"12 is the number of people we both know from GopherCon", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := countLine(tt.in); got != tt.want {
			t.Errorf("countLine(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDefaultNote(t *testing.T) {
	tests := []struct {
		note string
		want bool
	}{
		{"I'd like to join your LinkedIn network.", true},
		{"I’d like to join your LinkedIn network", true},
		{"I'd like to add you to my professional network on LinkedIn.", true},
		{"Vorrei aggiungerti alla mia rete professionale su LinkedIn.", true},
		{"I'd like to connect with you on LinkedIn.", true},
		{"Me gustaría añadirte a mi red profesional en LinkedIn.", true},
		{"Saya ingin menambahkan Anda ke jaringan profesional saya di LinkedIn.", true},
		{"I'd like to join your LinkedIn network. We met at QCon.", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isDefaultNote(tt.note); got != tt.want {
			t.Errorf("isDefaultNote(%q) = %v, want %v", tt.note, got, tt.want)
		}
	}
}

func TestGreeting(t *testing.T) {
	tests := []struct {
		in         string
		name, rest string // of a greeting; ok false for none
		ok         bool
	}{
		{"Hi Paul, I enjoyed your talk", "Paul", "I enjoyed your talk", true},
		{"Hi,", "", "", true},
		{"Hi ,", "", "", true}, // second_guest_reminder_01
		{"Hello Paul , welcome", "Paul", "welcome", true},
		{"Hola ,", "", "", true},
		{"Hi there", "", "", false},
		{"Hiking, mostly", "", "", false},
	}
	for _, tt := range tests {
		m := firstSubmatch(phrases().greetings, tt.in)
		if (m != nil) != tt.ok || m != nil && (strings.TrimSpace(m[1]) != tt.name || m[2] != tt.rest) {
			t.Errorf("greeting(%q) = %q, want %v %q %q", tt.in, m, tt.ok, tt.name, tt.rest)
		}
	}
}

func TestSamePerson(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Priya Raman", "Priya Raman", true},
		{"Priya Raman, PhD", "Priya Raman", true},
		{"Priya Raman", "Priya Raman, PhD, MBA", true},
		{"Priya Raman, Globex", "Priya Raman", false},
		{"Raman, Priya", "Priya Raman", false},
		{"Priya Raman, PhD", "Ana Lima, PhD", false},
	}
	for _, tt := range tests {
		if got := samePerson(tt.a, tt.b); got != tt.want {
			t.Errorf("samePerson(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestFirstName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Steven Footle", "Steven"},
		{"Dr. Mei-Ling Chen", "Mei-Ling"},
		{"Prof Alan Kay", "Alan"},
		{"Zoë Ångström", "Zoë"},
		{"Cher", "Cher"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := firstName(tt.in); got != tt.want {
			t.Errorf("firstName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	in := "\u034f\u00a0 Jane\u200b Doe\u00a0\u034f\u034f \ufeff"
	if got := normalize(in); got != "Jane Doe" {
		t.Errorf("normalize(%q) = %q, want %q", in, got, "Jane Doe")
	}
}

// TestParseReminderPreheader checks the reminder flag and the preheader
// "<First>, <Title> from <Company> is waiting for your response".
func TestParseReminderPreheader(t *testing.T) {
	msg, err := parseFile(t, "testdata/reminder/reminder-02.eml")
	if err != nil {
		t.Fatal(err)
	}
	inv := msg.Invitations[0]
	if !inv.Reminder || inv.FirstName != "Pat" || inv.Title != "Head of Data" || inv.Company != "Umbrella Analytics" {
		t.Errorf("Parse(reminder) = Reminder %v, FirstName %q, Title %q, Company %q; want true, Pat, Head of Data, Umbrella Analytics",
			inv.Reminder, inv.FirstName, inv.Title, inv.Company)
	}
	want := time.Date(2024, 11, 22, 15, 40, 0, 0, time.UTC)
	if !inv.Date.Equal(want) {
		t.Errorf("Parse(reminder).Date = %v, want %v", inv.Date, want)
	}
}

func TestUnescapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"View Declan O&#39;Brien&#39;s profile", "View Declan O'Brien's profile"},
		{"https://www.linkedin.com/e/v2?e=x&amp;sharedKey=k&amp;invitationId=1", "https://www.linkedin.com/e/v2?e=x&sharedKey=k&invitationId=1"},
		{"&copy; 2015 LinkedIn Corporation", "© 2015 LinkedIn Corporation"},
		{"AT&T and R&D stay", "AT&T and R&D stay"},
		{"&amp without a semicolon", "&amp without a semicolon"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := unescapeText(tt.in); got != tt.want {
			t.Errorf("unescapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestClassifyTemplate(t *testing.T) {
	tests := []struct {
		in   string
		want templateKind
	}{
		{"email_m2m_invite_single_01", tmplInvite},
		{"invite_guest", tmplInvite},
		{"first_guest_reminder_01", tmplInvite},
		{"second_guest_reminder_01", tmplInvite},
		{"accept_invite_04", tmplAccepted},
		{"what_you_missed_v2", tmplOther},
		{"", tmplUnknown},
	}
	for _, tt := range tests {
		if got := classifyTemplate(tt.in); got != tt.want {
			t.Errorf("classifyTemplate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestParseNoteAfterLinks checks the 2016 guest-reminder layout, whose note
// follows the Accept and View profile links, and that the 2013 reminder
// sentence in the same place is not taken for a note.
func TestParseNoteAfterLinks(t *testing.T) {
	tests := []struct{ file, note string }{
		{"testdata/blind/2016-second-guest-reminder-es-note.eml", "Me gustaría añadirte a mi red profesional en LinkedIn."},
		{"testdata/blind/heldout-2013-reminder-text.eml", ""},
		{"testdata/blind/2016-first-guest-reminder-no-note.eml", ""},
	}
	for _, tt := range tests {
		msg, err := parseFile(t, tt.file)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.file, err)
		}
		if got := msg.Invitations[0].Note; got != tt.note {
			t.Errorf("Parse(%q).Note = %q, want %q", tt.file, got, tt.note)
		}
	}
}

// TestMessageIDWithoutControls checks that control characters a broken
// mailer left in a Message-ID (a NUL above all, which could be neither
// searched for over IMAP nor kept as a key) are dropped, the same way
// when the message is parsed and when its header is fetched to locate it.
func TestMessageIDWithoutControls(t *testing.T) {
	for _, tc := range []struct{ field, want string }{
		{"<ab@x.example>", "ab@x.example"},
		{"<a\x00b@x.example>", "ab@x.example"},
		{"<a\x01\x7fb@x.example>", "ab@x.example"},
		{"<a\u0085b@x.example>", "ab@x.example"},
		{"a\x00b@x.example", "ab@x.example"},
	} {
		hdr := "From: Jane <invitations@linkedin.com>\r\nMessage-ID: " + tc.field + "\r\nSubject: Hi\r\n"
		msg, _ := Parse(strings.NewReader(hdr + "\r\nbody\r\n"))
		if msg.MessageID != tc.want {
			t.Errorf("Parse: Message-ID %q read as %q, want %q", tc.field, msg.MessageID, tc.want)
		}
		if got := headerMessageID([]byte(hdr)); got != tc.want {
			t.Errorf("headerMessageID: Message-ID %q read as %q, want %q", tc.field, got, tc.want)
		}
	}
}

// TestNotInvitationByHeader checks that a notice the header already
// tells apart (an acceptance's template, an invitation to follow a page)
// is reported as no invitation without its body being read: a broken
// body does not make it an error.
func TestNotInvitationByHeader(t *testing.T) {
	broken := "\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-squeezed\r\n\r\nMarco has accepted your invitation\r\n"
	for _, tc := range []struct{ name, header string }{
		{"acceptance template", "X-LinkedIn-Template: accept_invite_04\r\nSubject: Marco has accepted your invitation"},
		{"acceptance subject, other template", "X-LinkedIn-Template: email_notification_01\r\nSubject: Marco has accepted your invitation"},
		{"page invitation", "Subject: Ana Lima invited you to follow Globex"},
	} {
		raw := "From: LinkedIn <invitations@linkedin.com>\r\nMessage-ID: <n1@linkedin.com>\r\nMIME-Version: 1.0\r\n" + tc.header + broken
		msg, err := ParseBytes([]byte(raw))
		if !errors.Is(err, ErrNotInvitation) || msg.MessageID != "n1@linkedin.com" {
			t.Errorf("%s: %v (Message-ID %q), want ErrNotInvitation with the header read", tc.name, err, msg.MessageID)
		}
	}
	// Without a template in the header, the body's links may name one: the
	// body is read, and a broken one is an error.
	raw := "From: LinkedIn <invitations@linkedin.com>\r\nMessage-ID: <n2@linkedin.com>\r\nMIME-Version: 1.0\r\nSubject: Marco has accepted your invitation" + broken
	if _, err := ParseBytes([]byte(raw)); err == nil || errors.Is(err, ErrNotInvitation) {
		t.Errorf("acceptance subject without a template, broken body: %v, want the body's error", err)
	}
}
