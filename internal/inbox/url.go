package inbox

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// linkURL is what the parser reads of a LinkedIn URL: its path as
// url.URL.EscapedPath returns it and its raw query.
type linkURL struct {
	path, query string
}

// parseLinkedInURL parses raw and returns its path and query when it is
// an http(s) URL on linkedin.com or one of its subdomains.
func parseLinkedInURL(raw string) (linkURL, bool) {
	raw = strings.TrimSpace(raw)
	raw = strings.TrimPrefix(raw, "<")
	raw = strings.TrimSuffix(raw, ">")
	if raw == "" {
		return linkURL{}, false
	}
	if !strings.Contains(raw, "://") {
		if !hasLowerPrefix(raw, "linkedin.com/") && !hasLowerPrefix(raw, "www.linkedin.com/") {
			return linkURL{}, false
		}
		raw = "https://" + raw
	}
	if l, ok, sure := splitLinkedInURL(raw); sure {
		return l, ok
	}
	u, err := url.Parse(raw)
	if err != nil {
		return linkURL{}, false
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return linkURL{}, false
	}
	if !linkedInHost(strings.ToLower(u.Hostname())) {
		return linkURL{}, false
	}
	return linkURL{path: u.EscapedPath(), query: u.RawQuery}, true
}

func linkedInHost(host string) bool {
	return host == "linkedin.com" || strings.HasSuffix(host, ".linkedin.com")
}

// hasLowerPrefix reports whether strings.ToLower(s) starts with prefix,
// an ASCII lower-case string.
func hasLowerPrefix(s, prefix string) bool {
	if len(s) < len(prefix) {
		// strings.ToLower shrinks only non-ASCII runes, into runes
		// the ASCII prefix does not hold, but for the Kelvin sign K.
		return !isASCII(s) && strings.HasPrefix(strings.ToLower(s), prefix)
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.HasPrefix(strings.ToLower(s), prefix)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// linkURLByte marks the bytes splitLinkedInURL accepts in a URL: printable
// ASCII but for space, the characters url.URL.EscapedPath would escape
// in a path, brackets and '#'.
var linkURLByte = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = !strings.ContainsRune("\"#<>[\\]^`{|}", c)
	}
	return t
}()

// splitLinkedInURL is the rest of parseLinkedInURL for the URLs
// notification emails carry, without url.Parse: "http(s)://host/path?query"
// with a host of letters, digits, dots and dashes, a path with valid
// escapes and nothing url.URL.EscapedPath would change. sure is false
// for any other URL, which url.Parse must read.
func splitLinkedInURL(raw string) (l linkURL, ok, sure bool) {
	rest, ok := cutHTTPScheme(raw)
	if !ok {
		return l, false, false
	}
	hostEnd := len(rest)
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !linkURLByte[c] {
			return l, false, false
		}
		if hostEnd == len(rest) && (c == '/' || c == '?') {
			hostEnd = i
		}
	}
	host := rest[:hostEnd]
	if host == "" {
		return l, false, false
	}
	for i := 0; i < len(host); i++ {
		switch c := host[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-':
		default:
			return l, false, false // user info, port, escapes: url.Parse decides
		}
	}
	path, query, _ := strings.Cut(rest[hostEnd:], "?")
	for i := 0; i < len(path); i++ {
		if path[i] == '%' && (i+2 >= len(path) || !isHex(path[i+1]) || !isHex(path[i+2])) {
			return l, false, false
		}
	}
	if !linkedInHostFold(host) {
		return l, false, true
	}
	return linkURL{path: path, query: query}, true, true
}

// linkedInHostFold is linkedInHost(strings.ToLower(host)) for an ASCII
// host.
func linkedInHostFold(host string) bool {
	const domain = ".linkedin.com"
	switch {
	case len(host) == len(domain)-1:
		return strings.EqualFold(host, domain[1:])
	case len(host) >= len(domain):
		return strings.EqualFold(host[len(host)-len(domain):], domain)
	}
	return false
}

// cutHTTPScheme returns s without its "http://" or "https://" (in any
// case), and whether it had one.
func cutHTTPScheme(s string) (string, bool) {
	switch {
	case hasPrefixASCIIFold(s, "https://"):
		return s[len("https://"):], true
	case hasPrefixASCIIFold(s, "http://"):
		return s[len("http://"):], true
	}
	return s, false
}

func hasPrefixASCIIFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// queryParam returns the first value of the query parameter named key
// (compared case-insensitively), tolerating malformed escapes elsewhere in
// the query, as LinkedIn's tracking parameters sometimes carry.
func (l linkURL) queryParam(key string) string {
	v, _ := l.queryParams(key, "")
	return v
}

// queryParams is queryParam for two keys at once, in one pass over the
// query; key2 may be "" when only key1 is wanted.
func (l linkURL) queryParams(key1, key2 string) (v1, v2 string) {
	done1, done2 := false, key2 == ""
	for q := l.query; ; {
		kv, more, found := strings.Cut(q, "&")
		k, v, _ := strings.Cut(kv, "=")
		if strings.IndexByte(k, '%') >= 0 || strings.IndexByte(k, '+') >= 0 {
			if uk, err := url.QueryUnescape(k); err == nil {
				k = uk
			}
		}
		if !done1 && sameKey(k, key1) {
			v1, done1 = queryValue(v), true
		} else if !done2 && sameKey(k, key2) {
			v2, done2 = queryValue(v), true
		}
		if !found || done1 && done2 {
			return v1, v2
		}
		q = more
	}
}

// sameKey is strings.EqualFold(k, key) for an ASCII key, skipping the
// comparison when the lengths tell (only non-ASCII k can fold to a key
// of another length: the Kelvin sign K, the long s ſ).
func sameKey(k, key string) bool {
	if len(k) != len(key) && isASCII(k) {
		return false
	}
	return strings.EqualFold(k, key)
}

func queryValue(v string) string {
	if uv, err := url.QueryUnescape(v); err == nil {
		return uv
	}
	return v
}

// segments appends the unescaped non-empty segments of the path to dst.
func (l linkURL) segments(dst []string) []string {
	for p := l.path; p != ""; {
		s, more, _ := strings.Cut(p, "/")
		p = more
		if s == "" {
			continue
		}
		if strings.IndexByte(s, '%') >= 0 {
			if us, err := url.PathUnescape(s); err == nil {
				s = us
			}
		}
		dst = append(dst, s)
	}
	return dst
}

// validVanity reports whether s can be a public profile name: LinkedIn
// allows letters (any script), digits, '-' and '_'.
func validVanity(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		switch {
		case r == '-' || r == '_':
		case r >= '0' && r <= '9':
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r > 127 && r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)):
			// Non-ASCII letters appear in localised vanity names.
		default:
			return false
		}
	}
	return true
}

// CleanProfileURL turns a LinkedIn profile link from a notification email
// into a token-free canonical form:
// https://www.linkedin.com/in/<vanity>/ for vanity links (/in/x, /comm/in/x,
// any subdomain, any trailing path or query), and
// https://www.linkedin.com/profile/view?id=<id> with only the id parameter
// for /profile/view links. It returns "" for anything that is not a profile
// link, so every tracking and login token (midToken, authToken, trk, ...) is
// dropped.
func CleanProfileURL(raw string) string {
	l, ok := parseLinkedInURL(raw)
	if !ok {
		return ""
	}
	var buf [16]string
	return l.cleanProfile(l.segments(buf[:0]))
}

// cleanProfile is CleanProfileURL for a LinkedIn URL whose path segments
// are segs.
func (l linkURL) cleanProfile(segs []string) string {
	if len(segs) > 0 && strings.EqualFold(segs[0], "comm") {
		segs = segs[1:]
	}
	switch {
	case len(segs) >= 2 && strings.EqualFold(segs[0], "in"):
		if !validVanity(segs[1]) {
			return ""
		}
		return "https://www.linkedin.com/in/" + url.PathEscape(segs[1]) + "/"
	case len(segs) == 2 && strings.EqualFold(segs[0], "profile") && strings.EqualFold(segs[1], "view"):
		id := l.queryParam("id")
		if !validVanity(id) {
			return ""
		}
		return "https://www.linkedin.com/profile/view?id=" + url.QueryEscape(id)
	}
	return ""
}

// linkInfo is what the parser reads from one link of a message.
type linkInfo struct {
	profile      string // CleanProfileURL of the link
	invitationID string // invitationID of the link
	accept       bool   // isAcceptURL
	invitation   bool   // isInvitationURL
}

// readLink parses href once and reads everything linkInfo holds.
func readLink(href string) linkInfo {
	l, ok := parseLinkedInURL(href)
	if !ok {
		return linkInfo{}
	}
	var buf [16]string
	segs := l.segments(buf[:0])
	id, sharedKey := l.queryParams("invitationId", "sharedKey")
	li := linkInfo{profile: l.cleanProfile(segs), invitationID: id, accept: l.acceptPath()}
	if id == "" {
		li.invitationID = segmentAfter(segs, "invitationId")
	}
	li.invitation = li.invitationID != "" && (sharedKey != "" || hasSegment(segs, "sharedKey"))
	return li
}

// isAcceptURL reports whether href is a LinkedIn invite-accept link
// (/comm/people/invite-accept?... in 2016, /comm/mynetwork/invite-accept/...
// from 2018, /comm/start/accept-invitation?... for invitees without an
// account).
func isAcceptURL(href string) bool {
	l, ok := parseLinkedInURL(href)
	return ok && l.acceptPath()
}

// acceptPath reports whether l's path is an invite-accept path.
func (l linkURL) acceptPath() bool {
	p := l.path
	var buf [256]byte
	if low, ok := lowerASCII(buf[:0], p); ok {
		p = string(low) // does not escape: only searched
		return strings.Contains(p, "invite-accept") || strings.Contains(p, "invitation-accept") ||
			strings.Contains(p, "accept-invitation") || strings.Contains(p, "/invitations/accept")
	}
	p = strings.ToLower(p)
	return strings.Contains(p, "invite-accept") || strings.Contains(p, "invitation-accept") ||
		strings.Contains(p, "accept-invitation") || strings.Contains(p, "/invitations/accept")
}

// isInvitationURL reports whether href acts on one invitation: a LinkedIn
// link carrying both the invitation's ID and its shared key, whatever its
// path. Guest invitations and their reminders (2015-2016) point their
// Accept, "Confirm that you know ..." and "View ...'s profile" links at
// redirectors such as /e/v2?...&sharedKey=...&invitationId=...
func isInvitationURL(href string) bool {
	l, ok := parseLinkedInURL(href)
	if !ok {
		return false
	}
	var buf [16]string
	segs := l.segments(buf[:0])
	return l.invitationID(segs) != "" && l.hasSharedKey(segs)
}

// hasSharedKey reports whether l carries a sharedKey, as a query
// parameter or a path segment; segs are its path segments.
func (l linkURL) hasSharedKey(segs []string) bool {
	return l.queryParam("sharedKey") != "" || hasSegment(segs, "sharedKey")
}

// hasSegment reports whether one of segs is name, ignoring case.
func hasSegment(segs []string, name string) bool {
	for _, s := range segs {
		if strings.EqualFold(s, name) {
			return true
		}
	}
	return false
}

// segmentAfter returns the segment after the first one that is name,
// ignoring case, or "".
func segmentAfter(segs []string, name string) string {
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], name) {
			return segs[i+1]
		}
	}
	return ""
}

// invitationID returns the invitation ID of an accept link: the
// invitationId query parameter, or the path segment after "invitationId".
// The mboxid parameter is a different number and never used.
func invitationID(href string) string {
	l, ok := parseLinkedInURL(href)
	if !ok {
		return ""
	}
	var buf [16]string
	return l.invitationID(l.segments(buf[:0]))
}

// invitationID is invitationID for a LinkedIn URL whose path segments
// are segs.
func (l linkURL) invitationID(segs []string) string {
	if id := l.queryParam("invitationId"); id != "" {
		return id
	}
	return segmentAfter(segs, "invitationId")
}

// emailTemplate returns the LinkedIn template name a tracking link carries:
// its "ek" parameter, or the name inside trkEmail/trk ("eml-<template>-...").
func emailTemplate(href string) string {
	l, ok := parseLinkedInURL(href)
	if !ok {
		return ""
	}
	if ek := l.queryParam("ek"); ek != "" {
		return ek
	}
	for _, k := range []string{"trkEmail", "trk"} {
		v := l.queryParam(k)
		rest, ok := strings.CutPrefix(v, "eml-")
		if !ok {
			continue
		}
		for _, marker := range []string{"-header", "-hero", "-footer", "-null", "-body", "-cta"} {
			if i := strings.Index(rest, marker); i > 0 {
				return rest[:i]
			}
		}
	}
	return ""
}
