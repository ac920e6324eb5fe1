package inbox

import (
	"strings"
	"testing"
)

// urlEdgeCases trip the fast path of parseLinkedInURL: user info, ports,
// escapes in the host, bad escapes, characters EscapedPath rewrites,
// fragments, case, other hosts.
var urlEdgeCases = []string{
	"", " ", "<>", "<https://www.linkedin.com/in/jane>", " https://www.linkedin.com/in/jane/ ",
	"https://www.linkedin.com", "https://www.linkedin.com?x=1", "https://www.linkedin.com/?", "https://linkedin.com/in/x",
	"HTTPS://WWW.LINKEDIN.COM/IN/JANE", "hTtP://Www.LinkedIn.Com/In/Jane?Trk=1", "ftp://www.linkedin.com/in/x",
	"https://evil.com/in/x", "https://www.linkedin.com.evil.com/in/x", "https://xlinkedin.com/in/x", "https://.linkedin.com/in/x",
	"https://a@www.linkedin.com/in/x", "https://www.linkedin.com:443/in/x", "https://www.linkedin.com:x/in/x",
	"https://www.linked%69n.com/in/x", "https://[::1]/in/x", "https:///in/x", "https://www.linkedin.com/in/j%C3%A9", "https://www.linkedin.com/in/j%zz",
	"https://www.linkedin.com/in/j%", "https://www.linkedin.com/in/j%4", "https://www.linkedin.com/in/a%2Fb/", "https://www.linkedin.com/in/a b",
	"https://www.linkedin.com/in/a|b", "https://www.linkedin.com/in/jé", "https://www.linkedin.com/in/x#frag", "https://www.linkedin.com/in/x?a=1#f%zz",
	"https://www.linkedin.com/in/x?q=%zz&id=1", "https://www.linkedin.com/profile/view?id=123&authToken=x", "https://www.linkedin.com/profile/view?ID=1%2B2",
	"https://www.linkedin.com/profile/view?%69d=7", "https://www.linkedin.com/profile/view?i+d=7", "https://www.linkedin.com/profile/view?id=a+b",
	"https://www.linkedin.com/comm/people/invite-accept?invitationId=1&sharedKey=k", "https://www.linkedin.com/e/v2?sharedKey=k&invitationId=2",
	"https://www.linkedin.com/comm/mynetwork/invite-accept/invitationId/3/sharedKey/k", "https://www.linkedin.com/A/INVITE-ACCEPT",
	"https://www.linkedin.com/\u212Ainvite-accept", "https://www.linkedin.com/x?ek=tmpl", "https://www.linkedin.com/x?trk=eml-abc-header-1",
	"https://www.linkedin.com/x?trkEmail=eml-abc-cta-1&trk=eml-def-hero", "linkedin.com/in/x", "www.linkedin.com/in/x", "LinkedIn.com/in/x",
	"lin\u212Aedin.com/in/x", "linkedin.com", "www.linkedin.com/in/x?u=https://y", "https://www.linkedin.com/in/x\x00", "https://www.linkedin.com/in/x\x7f",
	"https://www.linkedin.com/in/\xff", "https://www.linkedin.com/in/x\"", "https://www.linkedin.com/in/[x]", "https://www.linkedin.com/in/x;y=1,z!$&'()*+",
	"https://www.linkedin.com//in//x//", "https://www.linkedin.com/in/x?", "https://www.linkedin.com/in/x??a", "https://www.linkedin.com/in/x?&&id=1",
	"https://www.linkedin.com/profile/view?id=", "https://www.linkedin.com/comm/in/%E2%80%8Bjane", "http://www.linkedin.com/in/x/",
	"https://www.linkedin.com/in/x~y_z.w-v", "https://www.linkedin.com/in/x%2", "https://www.linkedin.com/in/%41b", "https://www.linkedin.com/*",
	"https://www.linkedin.com/in/x?id=1&id=2", "https://WWW.LINKEDIN.COM./in/x", "https://linkedin.com-/in/x", "https://www.linkedin.com\\in\\x",
	"https://www.linkedin.com/in/x`", "https://www.linkedin.com/in/x^", "https://www.linkedin.com/in/x{}", "https://www.linkedin.com/in/x<y>",
}

// checkLink compares the URL functions with their url.Parse oracle on
// href.
func checkLink(t *testing.T, href string) {
	t.Helper()
	if got, want := readLink(href), oracleReadLink(href); got != want {
		t.Errorf("readLink(%q) = %+v, want %+v", href, got, want)
	}
	if got, want := emailTemplate(href), oracleEmailTemplate(href); got != want {
		t.Errorf("emailTemplate(%q) = %q, want %q", href, got, want)
	}
	if got, want := CleanProfileURL(href), oracleCleanProfileURL(href); got != want {
		t.Errorf("CleanProfileURL(%q) = %q, want %q", href, got, want)
	}
	if got, want := invitationID(href), oracleInvitationID(href); got != want {
		t.Errorf("invitationID(%q) = %q, want %q", href, got, want)
	}
	if got, want := isInvitationURL(href), oracleIsInvitationURL(href); got != want {
		t.Errorf("isInvitationURL(%q) = %v, want %v", href, got, want)
	}
	if got, want := isAcceptURL(href), oracleIsAcceptURL(href); got != want {
		t.Errorf("isAcceptURL(%q) = %v, want %v", href, got, want)
	}
	_, ok := parseLinkedInURL(href)
	_, wantOK := oracleParseLinkedInURL(href)
	if ok != wantOK {
		t.Errorf("parseLinkedInURL(%q) ok = %v, want %v", href, ok, wantOK)
	}
}

// TestLinkURLOracle checks the URL functions against url.Parse on every
// link and line of every fixture and on edge cases.
func TestLinkURLOracle(t *testing.T) {
	links, fast := 0, 0
	for _, s := range append(fixtureTexts(t), urlEdgeCases...) {
		checkLink(t, s)
		if _, ok := oracleParseLinkedInURL(s); ok {
			links++
			if _, _, sure := splitLinkedInURL(strings.TrimSpace(s)); sure {
				fast++
			}
		}
	}
	// The fast path must do its job: nearly every link of the fixtures.
	if fast < links*95/100 {
		t.Errorf("the fast path read only %d of %d LinkedIn URLs", fast, links)
	}
}

func FuzzLinkURLOracle(f *testing.F) {
	for _, s := range urlEdgeCases {
		f.Add(s)
	}
	f.Fuzz(checkLink)
}
