package inbox

// The URL functions as they were before parseLinkedInURL read the URLs of
// notification emails without url.Parse: the oracle of the differential
// tests in extract_url_test.go.

import (
	"net/url"
	"strings"
)

// oracleParseLinkedInURL parses raw and returns it when it is an http(s) URL on
// linkedin.com or one of its subdomains.
func oracleParseLinkedInURL(raw string) (*url.URL, bool) {
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

// oracleQueryParam returns the first value of the query parameter named key
// (compared case-insensitively), tolerating malformed escapes elsewhere in
// the query, as LinkedIn's tracking parameters sometimes carry.
func oracleQueryParam(u *url.URL, key string) string {
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

// oraclePathSegments splits the unescaped path into its non-empty segments.
func oraclePathSegments(u *url.URL) []string {
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

// oracleCleanProfileURL turns a LinkedIn profile link from a notification email
// into a token-free canonical form:
// https://www.linkedin.com/in/<vanity>/ for vanity links (/in/x, /comm/in/x,
// any subdomain, any trailing path or query), and
// https://www.linkedin.com/profile/view?id=<id> with only the id parameter
// for /profile/view links. It returns "" for anything that is not a profile
// link, so every tracking and login token (midToken, authToken, trk, ...) is
// dropped.
func oracleCleanProfileURL(raw string) string {
	u, ok := oracleParseLinkedInURL(raw)
	if !ok {
		return ""
	}
	return oracleCleanProfile(u)
}

// oracleCleanProfile is oracleCleanProfileURL for a parsed LinkedIn URL.
func oracleCleanProfile(u *url.URL) string {
	segs := oraclePathSegments(u)
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
		id := oracleQueryParam(u, "id")
		if !validVanity(id) {
			return ""
		}
		return "https://www.linkedin.com/profile/view?id=" + url.QueryEscape(id)
	}
	return ""
}

// oracleReadLink parses href once and reads everything linkInfo holds.
func oracleReadLink(href string) linkInfo {
	u, ok := oracleParseLinkedInURL(href)
	if !ok {
		return linkInfo{}
	}
	li := linkInfo{profile: oracleCleanProfile(u), invitationID: oracleUrlInvitationID(u), accept: oracleAcceptPath(u)}
	li.invitation = li.invitationID != "" && oracleHasSharedKey(u)
	return li
}

// oracleIsAcceptURL reports whether href is a LinkedIn invite-accept link
// (/comm/people/invite-accept?... in 2016, /comm/mynetwork/invite-accept/...
// from 2018, /comm/start/accept-invitation?... for invitees without an
// account).
func oracleIsAcceptURL(href string) bool {
	u, ok := oracleParseLinkedInURL(href)
	return ok && oracleAcceptPath(u)
}

// oracleAcceptPath reports whether u's path is an invite-accept path.
func oracleAcceptPath(u *url.URL) bool {
	p := strings.ToLower(u.EscapedPath())
	return strings.Contains(p, "invite-accept") || strings.Contains(p, "invitation-accept") ||
		strings.Contains(p, "accept-invitation") || strings.Contains(p, "/invitations/accept")
}

// oracleIsInvitationURL reports whether href acts on one invitation: a LinkedIn
// link carrying both the invitation's ID and its shared key, whatever its
// path. Guest invitations and their reminders (2015-2016) point their
// Accept, "Confirm that you know ..." and "View ...'s profile" links at
// redirectors such as /e/v2?...&sharedKey=...&invitationId=...
func oracleIsInvitationURL(href string) bool {
	u, ok := oracleParseLinkedInURL(href)
	return ok && oracleUrlInvitationID(u) != "" && oracleHasSharedKey(u)
}

// oracleHasSharedKey reports whether u carries a sharedKey, as a query
// parameter or a path segment.
func oracleHasSharedKey(u *url.URL) bool {
	if oracleQueryParam(u, "sharedKey") != "" {
		return true
	}
	for _, s := range oraclePathSegments(u) {
		if strings.EqualFold(s, "sharedKey") {
			return true
		}
	}
	return false
}

// oracleInvitationID returns the invitation ID of an accept link: the
// invitationId query parameter, or the path segment after "invitationId".
// The mboxid parameter is a different number and never used.
func oracleInvitationID(href string) string {
	u, ok := oracleParseLinkedInURL(href)
	if !ok {
		return ""
	}
	return oracleUrlInvitationID(u)
}

// oracleUrlInvitationID is oracleInvitationID for a parsed LinkedIn URL.
func oracleUrlInvitationID(u *url.URL) string {
	if id := oracleQueryParam(u, "invitationId"); id != "" {
		return id
	}
	segs := oraclePathSegments(u)
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], "invitationId") {
			return segs[i+1]
		}
	}
	return ""
}

// oracleEmailTemplate returns the LinkedIn template name a tracking link carries:
// its "ek" parameter, or the name inside trkEmail/trk ("eml-<template>-...").
func oracleEmailTemplate(href string) string {
	u, ok := oracleParseLinkedInURL(href)
	if !ok {
		return ""
	}
	if ek := oracleQueryParam(u, "ek"); ek != "" {
		return ek
	}
	for _, k := range []string{"trkEmail", "trk"} {
		v := oracleQueryParam(u, k)
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
