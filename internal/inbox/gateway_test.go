package inbox

import (
	"bufio"
	"encoding/base64"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const wrappedProfile = "https://www.linkedin.com/comm/in/jane-doe-4b2a1?midToken=AQH&trk=eml-email_m2m_invite_single_01-hero-1-prof~cta"

func TestUnwrapLink(t *testing.T) {
	v3codes := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, href, want string
	}{
		{"linkedin link unchanged", wrappedProfile, wrappedProfile},
		{"other link unchanged", "https://example.com/?url=https%3A%2F%2Fwww.linkedin.com%2F", "https://example.com/?url=https%3A%2F%2Fwww.linkedin.com%2F"},
		{"not a URL", "mailto:jane@example.com", "mailto:jane@example.com"},
		{"empty", "", ""},

		{"safe links",
			"https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.linkedin.com%2Fcomm%2Fin%2Fjane-doe-4b2a1%3FmidToken%3DAQH%26trk%3Deml-email_m2m_invite_single_01-hero-1-prof~cta&data=05%7C02%7Cpaul%40example.com%7C0%7C638690112000000000%7CUnknown&sdata=q1W2e3%3D&reserved=0",
			wrappedProfile},
		{"safe links, upper-case host and lower-case escapes",
			"HTTPS://NAM12.SafeLinks.Protection.Outlook.com/?url=https%3a%2f%2fwww.linkedin.com%2fcomm%2fin%2fjane-doe-4b2a1%3fmidToken%3dAQH%26trk%3deml-email_m2m_invite_single_01-hero-1-prof~cta&reserved=0",
			wrappedProfile},
		{"safe links, US government cloud",
			"https://gcc02.safelinks.protection.office365.us/?url=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane%2F&data=x",
			"https://www.linkedin.com/in/jane/"},
		{"safe links without url", "https://eur02.safelinks.protection.outlook.com/?data=05", "https://eur02.safelinks.protection.outlook.com/?data=05"},
		{"safe links around a script", "https://eur02.safelinks.protection.outlook.com/?url=javascript%3Aalert(1)", "https://eur02.safelinks.protection.outlook.com/?url=javascript%3Aalert(1)"},

		{"proofpoint v1",
			"https://urldefense.proofpoint.com/v1/url?u=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane%2F&k=abc%3D%0A&r=def",
			"https://www.linkedin.com/in/jane/"},
		{"proofpoint v2",
			"https://urldefense.proofpoint.com/v2/url?u=https-3A__www.linkedin.com_comm_in_jane-2Ddoe-2D4b2a1-3FmidToken-3DAQH-26trk-3Deml-2Demail-5Fm2m-5Finvite-5Fsingle-5F01-2Dhero-2D1-2Dprof-7Ecta&d=DwMFaQ&c=euGZ&r=x5Qk&m=Hq3Z&s=Zr7a&e=",
			wrappedProfile},
		{"proofpoint v2, bad escape", "https://urldefense.proofpoint.com/v2/url?u=https-3A__x-ZZ&d=1", "https://urldefense.proofpoint.com/v2/url?u=https-3A__x-ZZ&d=1"},
		{"proofpoint v3",
			"https://urldefense.com/v3/__https://www.linkedin.com/comm/in/jane-doe-4b2a1*midToken*AQH*trk*eml-email_m2m_invite_single_01-hero-1-prof~cta__;Pz0mPQ!!ACWV5N9M2RV99hQ!K7xq2Zt9$",
			wrappedProfile},
		{"proofpoint v3, a run of replaced characters",
			"https://urldefense.com/v3/__https://www.linkedin.com/in/jane/**Ax=1__;Pz8!!ACWV5N9M2RV99hQ!abc$",
			"https://www.linkedin.com/in/jane/??x=1"},
		{"proofpoint v3, no replaced characters",
			"https://urldefense.com/v3/__https://www.linkedin.com/in/jane/__;!!ACWV5N9M2RV99hQ!abc$",
			"https://www.linkedin.com/in/jane/"},
		{"proofpoint v3, a replaced non-ASCII character",
			"https://urldefense.com/v3/__https://www.linkedin.com/in/zo*-martin/__;" + v3codes("ë") + "!!ACWV5N9M2RV99hQ!abc$",
			"https://www.linkedin.com/in/zoë-martin/"},
		{"proofpoint v3, fewer characters than stars",
			"https://urldefense.com/v3/__https://www.linkedin.com/in/jane*x*y__;Pw!!abc$",
			"https://urldefense.com/v3/__https://www.linkedin.com/in/jane*x*y__;Pw!!abc$"},

		{"barracuda",
			"https://linkprotect.cudasvc.com/url?a=https%3a%2f%2fwww.linkedin.com%2fin%2fjane%2f&c=E,1,abc&typo=1",
			"https://www.linkedin.com/in/jane/"},
		{"trend micro, with a port",
			"https://imsva91-ctp.trendmicro.com:443/wis/clicktime/v1/query?url=https%3a%2f%2fwww.linkedin.com%2fin%2fjane%2f&umid=1234&auth=abcd",
			"https://www.linkedin.com/in/jane/"},
		{"sophos",
			"https://eu-central-1.protection.sophos.com?d=linkedin.com&u=" + base64.StdEncoding.EncodeToString([]byte("https://www.linkedin.com/in/jane/?x=1")) + "&i=abc&t=def&h=ghi",
			"https://www.linkedin.com/in/jane/?x=1"},
		{"sophos, a raw + in the base64",
			"https://eu-central-1.protection.sophos.com?d=linkedin.com&u=" + base64.StdEncoding.EncodeToString([]byte("https://www.linkedin.com/in/x/?a=~~~>")) + "&i=abc",
			"https://www.linkedin.com/in/x/?a=~~~>"},
		{"cisco",
			"https://secure-web.cisco.com/1AbCdEf_token/https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane%2F",
			"https://www.linkedin.com/in/jane/"},
		{"fireeye",
			"https://protect2.fireeye.com/v1/url?k=31323334-501d5122-313273af-454445555731-6c3b3c4a1f0e2d9b&q=1&e=7a6b5c4d-1e2f-4a3b-9c8d-0e1f2a3b4c5d&u=https%3A%2F%2Fwww.linkedin.com%2Fcomm%2Fin%2Fjane-doe-4b2a1%3FmidToken%3DAQH%26trk%3Deml-email_m2m_invite_single_01-hero-1-prof~cta",
			wrappedProfile},
		{"fireeye, the older form with the URL unescaped at the end",
			"https://protect2.fireeye.com/url?k=1ffa720fd467d028.1ffbf940-9a5a550397b4da2b&u=https://www.linkedin.com/comm/in/jane-doe-4b2a1?midToken=AQH&trk=eml-email_m2m_invite_single_01-hero-1-prof~cta",
			wrappedProfile},
		{"fireeye, another path", "https://protect2.fireeye.com/report?u=https%3A%2F%2Fwww.linkedin.com%2F", "https://protect2.fireeye.com/report?u=https%3A%2F%2Fwww.linkedin.com%2F"},
		{"symantec clicktime",
			"https://clicktime.symantec.com/15sLzMBNuKRgVS7gvHnUh?h=Kx9yQpW3vR2tS1uZ0aBcDeFgHiJkLmNoPqRsTuVwXyZ=&u=https%3A%2F%2Fwww.linkedin.com%2Fcomm%2Fin%2Fjane-doe-4b2a1%3FmidToken%3DAQH%26trk%3Deml-email_m2m_invite_single_01-hero-1-prof~cta",
			wrappedProfile},
		{"symantec clicktime, only = and & escaped",
			"https://clicktime.symantec.com/3MnsciFmpCx2GTRRtjmLJoD6H2?u=https://www.linkedin.com/comm/in/jane-doe-4b2a1?midToken%3DAQH%26trk%3Deml-email_m2m_invite_single_01-hero-1-prof~cta",
			wrappedProfile},
		{"avanan v2",
			"https://url.avanan.click/v2/___https://www.linkedin.com/comm/in/jane-doe-4b2a1?midToken=AQH&trk=eml-email_m2m_invite_single_01-hero-1-prof~cta___.YXAzOmFjbWU6YTpvOjFhMmIzYzRkNWU2Zjc4OTA6NjoxMjM0OjU2Nzg6cA",
			wrappedProfile},
		{"avanan v2 with a region, one slash after the scheme and a fragment",
			"https://url.avanan.click/v2/r01/___https:/www.linkedin.com/in/jane/___.YXAzOnBlcmNvbmE6YTpnOjE1Yzk5ZDBh#about",
			"https://www.linkedin.com/in/jane/#about"},
		{"check point v2",
			"https://protect.checkpoint.com/v2/___https://www.linkedin.com/in/jane/___.YXAzOmFjbWU6YTpvOjFh",
			"https://www.linkedin.com/in/jane/"},
		{"avanan without an end", "https://url.avanan.click/v2/___https://www.linkedin.com/in/jane/", "https://url.avanan.click/v2/___https://www.linkedin.com/in/jane/"},
		{"google redirect",
			"https://www.google.com/url?q=https%3A%2F%2Fwww.linkedin.com%2Fcomm%2Fin%2Fjane-doe-4b2a1%3FmidToken%3DAQH%26trk%3Deml-email_m2m_invite_single_01-hero-1-prof~cta&sa=D&source=editors&ust=1700000000000000&usg=AOvVaw0abc",
			wrappedProfile},
		{"google redirect, a country's host and url=",
			"https://www.google.co.uk/url?sa=t&url=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane%2F&usg=AOvVaw0abc",
			"https://www.linkedin.com/in/jane/"},
		{"google search is not a redirect", "https://www.google.com/search?q=https%3A%2F%2Fwww.linkedin.com%2F", "https://www.google.com/search?q=https%3A%2F%2Fwww.linkedin.com%2F"},
		{"a host that only starts like google's", "https://google.evil.example/url?q=https%3A%2F%2Fwww.linkedin.com%2F", "https://google.evil.example/url?q=https%3A%2F%2Fwww.linkedin.com%2F"},
		{"not a country's google", "https://google.xyz/url?q=https%3A%2F%2Fwww.linkedin.com%2F", "https://google.xyz/url?q=https%3A%2F%2Fwww.linkedin.com%2F"},
		{"google of a country with com.",
			"https://www.google.com.au/url?q=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane%2F&sa=D",
			"https://www.linkedin.com/in/jane/"},
		{"mimecast is opaque", "https://protect-eu.mimecast.com/s/AbCdEfGhIjK?domain=linkedin.com", "https://protect-eu.mimecast.com/s/AbCdEfGhIjK?domain=linkedin.com"},
		{"user info is not the host", "https://urldefense.com@evil.example/v3/__https://www.linkedin.com/in/x/__;!!a$", "https://urldefense.com@evil.example/v3/__https://www.linkedin.com/in/x/__;!!a$"},

		{"proofpoint v3 around safe links",
			"https://urldefense.com/v3/__https://eur02.safelinks.protection.outlook.com/*url*https*3A*2F*2Fwww.linkedin.com*2Fin*2Fjane*2F*reserved*0__;Pz0lJSUlJSUmPQ!!ACWV5N9M2RV99hQ!abc$",
			"https://www.linkedin.com/in/jane/"},
	}
	for _, tc := range tests {
		if got := unwrapLink(tc.href); got != tc.want {
			t.Errorf("%s: unwrapLink(%q)\n = %q\nwant %q", tc.name, tc.href, got, tc.want)
		}
	}
}

// TestUnwrapLinkDepth checks that wrappers are unwrapped maxUnwrap deep
// and no deeper, so a hostile link cannot make the parser loop.
func TestUnwrapLinkDepth(t *testing.T) {
	const inner = "https://www.linkedin.com/in/jane/"
	wrap := func(u string) string {
		return "https://linkprotect.cudasvc.com/url?a=" + strings.NewReplacer("%", "%25", "&", "%26", "?", "%3F", "=", "%3D").Replace(u) + "&c=E"
	}
	href := inner
	for range maxUnwrap {
		href = wrap(href)
	}
	if got := unwrapLink(href); got != inner {
		t.Errorf("%d wrappers: unwrapLink = %q, want %q", maxUnwrap, got, inner)
	}
	if got := unwrapLink(wrap(href)); got != wrap(inner) {
		t.Errorf("%d wrappers: unwrapLink = %q, want one wrapper left, %q", maxUnwrap+1, got, wrap(inner))
	}
}

// TestGatewayFixtures parses each invitation in testdata/gateway, whose
// links a mail gateway rewrote (the X-Triage-Fixture header names the
// fixture it was made from), and checks that it reads exactly as the
// original: the same inviter, profile link, invitation ID, accept link
// and note.
func TestGatewayFixtures(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "gateway", "*.eml"))
	if err != nil || len(paths) < 3 {
		t.Fatalf("gateway fixtures: %v, %v; want at least 3", paths, err)
	}
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		hdr, err := mail.ReadMessage(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		src, _, _ := strings.Cut(hdr.Header.Get("X-Triage-Fixture"), " ")
		orig, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(src)))
		if err != nil {
			t.Fatalf("%s: the fixture it was made from: %v", path, err)
		}
		got, err := ParseBytes(raw)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		want, err := ParseBytes(orig)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Invitations) == 0 || !reflect.DeepEqual(got.Invitations, want.Invitations) {
			t.Errorf("%s reads\n%+v\nwant, as %s,\n%+v", path, got.Invitations, src, want.Invitations)
		}
		// Check Point's links keep the original readable: "___<URL>___".
		const linkedIn = "https://www.linkedin.com/comm/"
		if strings.Count(string(raw), linkedIn) > strings.Count(string(raw), "___"+linkedIn) {
			t.Errorf("%s: a LinkedIn link was left unwrapped: the fixture proves nothing", path)
		}
	}
}

func FuzzUnwrapLink(f *testing.F) {
	f.Add(wrappedProfile)
	f.Add("https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane%2F&reserved=0")
	f.Add("https://urldefense.proofpoint.com/v2/url?u=https-3A__www.linkedin.com_in_jane_&d=D")
	f.Add("https://urldefense.com/v3/__https://www.linkedin.com/in/jane/**Ax=1__;Pz8!!ACWV5N9M2RV99hQ!abc$")
	f.Add("https://eu-central-1.protection.sophos.com?u=aHR0cHM6Ly93d3cubGlua2VkaW4uY29tLw&d=x")
	f.Add("https://secure-web.cisco.com/tok/https%3A%2F%2Fx")
	f.Add("https://www.google.com/url?q=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane%2F&sa=D")
	f.Add("https://protect2.fireeye.com/v1/url?k=1&q=1&e=2&u=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane%2F")
	f.Add("https://protect2.fireeye.com/url?k=1&u=https://www.linkedin.com/in/jane/?a=1&b=2#c")
	f.Add("https://clicktime.symantec.com/15sLz?h=x=&u=https%3A%2F%2Fwww.linkedin.com%2F")
	f.Add("https://url.avanan.click/v2/r01/___https:/www.linkedin.com/in/jane/___.YXAz#x")
	f.Fuzz(func(t *testing.T, href string) {
		got := unwrapLink(href)
		if got == href {
			return
		}
		if !hasPrefixASCIIFold(got, "https://") && !hasPrefixASCIIFold(got, "http://") {
			t.Fatalf("unwrapLink(%q) = %q, not an http(s) URL", href, got)
		}
		if _, ok := unwrapOnce(href); !ok {
			t.Fatalf("unwrapLink(%q) changed a link that is no gateway's", href)
		}
	})
}

// BenchmarkUnwrapLink measures the cost unwrapping adds to every link of
// every message: a LinkedIn link is no gateway's.
func BenchmarkUnwrapLink(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if unwrapLink(wrappedProfile) != wrappedProfile {
			b.Fatal("changed")
		}
	}
}

func TestIsGatewayBanner(t *testing.T) {
	for _, tc := range []struct {
		para string
		want bool
	}{
		{"CAUTION: This email originated from outside of the organization. Do not click links or open attachments unless you recognize the sender and know the content is safe.", true},
		{"You don\u2019t often get email from invitations@linkedin.com. Learn why this is important", true},
		{"[EXTERNAL EMAIL] DO NOT CLICK links or attachments unless you recognize the sender and know the content is safe.", true},
		{"WARNING: This email originated outside of Northwind Analytics.\nDO NOT CLICK links or attachments unless you recognize the sender.", true},
		{"This message is from an EXTERNAL SENDER - be CAUTIOUS, particularly with links and attachments.", true},
		{"ACHTUNG: Diese E-Mail stammt von au\u00dferhalb der Organisation. Klicken Sie nicht auf Links.", true},
		{"ATTENTION : ce courriel provient de l\u2019ext\u00e9rieur de l\u2019organisation. Ne cliquez pas sur les liens.", true},
		{"PRECAUCI\u00d3N: Este correo se origin\u00f3 fuera de la organizaci\u00f3n. No haga clic en enlaces.", true},
		// A banner split into two paragraphs: each half is one.
		{"EXTERNAL: This email originated from outside of the organization.", true},
		{"Do not click links or open attachments unless you recognize the sender and know the content is safe.", true},

		// Notes: a link, an external role or the organisation alone is
		// no banner.
		{"Hi Paul, I'm an external consultant for Northwind's data team, could we connect?", false},
		{"Click the link in my profile to book a demo of our observability platform!", false},
		{"We met outside the organization's booth at GopherCon; I'd love to stay in touch.", false},
		// Found in review: notes that name an origin and LinkedIn, or a
		// word a warning could use.
		{"We are hiring from outside the organization for an important role.", false},
		{"Hi Paul, I lead external email security at Kestrel and would love to connect here on LinkedIn.", false},
		{"Loved your talk on auditing external source code. Let's link up!", false},
		{"Hola, trabajo en seguridad de correo externo para clientes y me gustar\u00eda conectar en LinkedIn.", false},
		{"I run external email campaigns; verify your trust score with our tool, it's important!", false},
		{"CAUTION: " + strings.Repeat("long ", 150) + "originated from outside the organization, do not click links", false},
		{"", false},
	} {
		if got := isGatewayBanner(tc.para); got != tc.want {
			t.Errorf("isGatewayBanner(%.60q) = %v, want %v", tc.para, got, tc.want)
		}
	}
}

// TestGatewayBannerNotNotes checks that no labelled note of the policy's
// corpora (../policy/testdata, 600 notes written as LinkedIn users write
// them) is taken for a gateway's banner, which would drop it.
func TestGatewayBannerNotNotes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "policy", "testdata", "*.tsv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("note corpora: %v, %v", files, err)
	}
	n := 0
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			_, note, ok := strings.Cut(line, "\t")
			if !ok || strings.HasPrefix(line, "#") {
				continue
			}
			n++
			if isGatewayBanner(strings.ReplaceAll(note, `\n`, "\n")) {
				t.Errorf("%s: note taken for a gateway's banner: %q", path, note)
			}
		}
		f.Close()
	}
	if n < 500 {
		t.Errorf("read %d notes, want the corpora's 600", n)
	}
}

// TestBannerAnchors checks the premise of isGatewayBanner's quick
// rejection: every banner phrase and origin holds one of bannerAnchors,
// and no anchor has a space or an apostrophe that normalising a
// paragraph would change.
func TestBannerAnchors(t *testing.T) {
	for _, a := range bannerAnchors {
		if strings.ContainsAny(a, " '\u2019\u2018`") || a != strings.ToLower(a) {
			t.Errorf("anchor %q has a space, an apostrophe or a capital", a)
		}
	}
	for _, p := range append(slices.Clone(bannerPhrases), bannerOrigins...) {
		if !containsSome(p, bannerAnchors) {
			t.Errorf("banner phrase %q holds no anchor: isGatewayBanner would never see it", p)
		}
	}
}
