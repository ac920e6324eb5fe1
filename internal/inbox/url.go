package inbox

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parseLinkedInURL parses raw and returns it when it is an http(s) URL on
// linkedin.com or one of its subdomains.
func parseLinkedInURL(raw string) (*url.URL, bool) {
	raw = strings.TrimSpace(raw)
	raw = strings.TrimPrefix(raw, "<")
	raw = strings.TrimSuffix(raw, ">")
	if raw == "" {
		return nil, false
	}
	if !strings.Contains(raw, "://") {
		low := strings.ToLower(raw)
		if !strings.HasPrefix(low, "linkedin.com/") && !strings.HasPrefix(low, "www.linkedin.com/") {
			return nil, false
		}
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, false
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return nil, false
	}
	host := strings.ToLower(u.Hostname())
	if host != "linkedin.com" && !strings.HasSuffix(host, ".linkedin.com") {
		return nil, false
	}
	return u, true
}

// queryParam returns the first value of the query parameter named key
// (compared case-insensitively), tolerating malformed escapes elsewhere in
// the query, as LinkedIn's tracking parameters sometimes carry.
func queryParam(u *url.URL, key string) string {
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if !strings.EqualFold(k, key) {
			continue
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			return uv
		}
		return v
	}
	return ""
}

// pathSegments splits the unescaped path into its non-empty segments.
func pathSegments(u *url.URL) []string {
	var segs []string
	for _, s := range strings.Split(u.EscapedPath(), "/") {
		if s == "" {
			continue
		}
		if us, err := url.PathUnescape(s); err == nil {
			s = us
		}
		segs = append(segs, s)
	}
	return segs
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
	u, ok := parseLinkedInURL(raw)
	if !ok {
		return ""
	}
	return cleanProfile(u)
}

// cleanProfile is CleanProfileURL for a parsed LinkedIn URL.
func cleanProfile(u *url.URL) string {
	segs := pathSegments(u)
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
		id := queryParam(u, "id")
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
	u, ok := parseLinkedInURL(href)
	if !ok {
		return linkInfo{}
	}
	li := linkInfo{profile: cleanProfile(u), invitationID: urlInvitationID(u), accept: acceptPath(u)}
	li.invitation = li.invitationID != "" && hasSharedKey(u)
	return li
}

// isAcceptURL reports whether href is a LinkedIn invite-accept link
// (/comm/people/invite-accept?... in 2016, /comm/mynetwork/invite-accept/...
// from 2018, /comm/start/accept-invitation?... for invitees without an
// account).
func isAcceptURL(href string) bool {
	u, ok := parseLinkedInURL(href)
	return ok && acceptPath(u)
}

// acceptPath reports whether u's path is an invite-accept path.
func acceptPath(u *url.URL) bool {
	p := strings.ToLower(u.EscapedPath())
	return strings.Contains(p, "invite-accept") || strings.Contains(p, "invitation-accept") ||
		strings.Contains(p, "accept-invitation") || strings.Contains(p, "/invitations/accept")
}

// isInvitationURL reports whether href acts on one invitation: a LinkedIn
// link carrying both the invitation's ID and its shared key, whatever its
// path. Guest invitations and their reminders (2015-2016) point their
// Accept, "Confirm that you know ..." and "View ...'s profile" links at
// redirectors such as /e/v2?...&sharedKey=...&invitationId=...
func isInvitationURL(href string) bool {
	u, ok := parseLinkedInURL(href)
	return ok && urlInvitationID(u) != "" && hasSharedKey(u)
}

// hasSharedKey reports whether u carries a sharedKey, as a query
// parameter or a path segment.
func hasSharedKey(u *url.URL) bool {
	if queryParam(u, "sharedKey") != "" {
		return true
	}
	for _, s := range pathSegments(u) {
		if strings.EqualFold(s, "sharedKey") {
			return true
		}
	}
	return false
}

// invitationID returns the invitation ID of an accept link: the
// invitationId query parameter, or the path segment after "invitationId".
// The mboxid parameter is a different number and never used.
func invitationID(href string) string {
	u, ok := parseLinkedInURL(href)
	if !ok {
		return ""
	}
	return urlInvitationID(u)
}

// urlInvitationID is invitationID for a parsed LinkedIn URL.
func urlInvitationID(u *url.URL) string {
	if id := queryParam(u, "invitationId"); id != "" {
		return id
	}
	segs := pathSegments(u)
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], "invitationId") {
			return segs[i+1]
		}
	}
	return ""
}

// emailTemplate returns the LinkedIn template name a tracking link carries:
// its "ek" parameter, or the name inside trkEmail/trk ("eml-<template>-...").
func emailTemplate(href string) string {
	u, ok := parseLinkedInURL(href)
	if !ok {
		return ""
	}
	if ek := queryParam(u, "ek"); ek != "" {
		return ek
	}
	for _, k := range []string{"trkEmail", "trk"} {
		v := queryParam(u, k)
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
