package inbox

import (
	"encoding/base64"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mail security gateways rewrite every link of a message they deliver so
// that a click goes through their scanner first: Microsoft 365's Safe
// Links (on by default in Defender for Office 365), Proofpoint's URL
// Defense, Barracuda, Trend Micro, Sophos, Cisco, FireEye (Trellix),
// Symantec's click-time protection and Check Point's Harmony Email
// (Avanan). The rewritten message
// is what the mailbox stores and IMAP returns, so without unwrapping, an
// invitation delivered through one of them has no LinkedIn link left: no
// invitation ID (reminders then never meet their invitation), no profile
// link, and no accept link to find the inviter's card by.
//
// unwrapLink returns the link a gateway's link wraps, decoded from the
// link itself (never by following it), and any other link unchanged.
// Wrappers around wrappers are unwrapped too, up to maxUnwrap deep. A
// wrapper whose original cannot be read (Mimecast's links are opaque
// tokens) stays as it is.
func unwrapLink(href string) string {
	for range maxUnwrap {
		inner, ok := unwrapOnce(href)
		if !ok {
			break
		}
		href = inner
	}
	return href
}

// maxUnwrap bounds the wrappers unwrapped around one link.
const maxUnwrap = 4

// unwrapOnce returns the link wrapped by href when href is a known
// gateway's link whose original is an absolute http(s) URL.
func unwrapOnce(href string) (string, bool) {
	host, rest, ok := hostOf(href)
	if !ok || linkedInHost(host) { // nearly every link of an invitation
		return "", false
	}
	var inner string
	switch {
	case strings.HasSuffix(host, ".safelinks.protection.outlook.com"),
		strings.HasSuffix(host, ".safelinks.protection.office365.us"),
		strings.HasSuffix(host, ".safelinks.protection.apps.mil"):
		// https://eur02.safelinks.protection.outlook.com/?url=<escaped>&data=...
		inner = wrappedParam(rest, "url")
	case host == "urldefense.proofpoint.com":
		inner = proofpointV2(rest)
	case host == "urldefense.com":
		inner = proofpointV3(rest)
	case host == "linkprotect.cudasvc.com":
		// https://linkprotect.cudasvc.com/url?a=<escaped>&c=...
		inner = wrappedParam(rest, "a")
	case strings.HasSuffix(host, ".trendmicro.com") && hasPrefixASCIIFold(rest, "/wis/clicktime/"):
		// https://imsva91-ctp.trendmicro.com:443/wis/clicktime/v1/query?url=<escaped>&umid=...
		inner = wrappedParam(rest, "url")
	case strings.HasSuffix(host, ".protection.sophos.com"):
		// https://eu-central-1.protection.sophos.com?d=linkedin.com&u=<base64>&...
		// A raw "+" of the base64 reads as a space once unescaped.
		inner = decodeBase64Loose(strings.ReplaceAll(wrappedParam(rest, "u"), " ", "+"))
	case host == "protect2.fireeye.com":
		inner = fireEye(rest)
	case host == "clicktime.symantec.com":
		// https://clicktime.symantec.com/<token>?h=<hash>&u=<escaped>,
		// some escaping only the "=" and "&" of the original.
		inner = wrappedParam(rest, "u")
	case host == "url.avanan.click", host == "protect.checkpoint.com":
		inner = checkPointV2(rest)
	case googleHost(host) && hasPrefixASCIIFold(rest, "/url?"):
		// https://www.google.com/url?q=<escaped>&sa=D&ust=...&usg=...: a
		// link that passed through Google Groups, Docs or a Gmail
		// forward.
		if inner = wrappedParam(rest, "q"); inner == "" {
			inner = wrappedParam(rest, "url")
		}
	case host == "secure-web.cisco.com":
		// https://secure-web.cisco.com/<token>/<escaped>
		_, after, found := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
		if found {
			inner, _ = url.PathUnescape(after)
		}
	default:
		return "", false
	}
	inner = strings.TrimSpace(inner)
	if !hasPrefixASCIIFold(inner, "https://") && !hasPrefixASCIIFold(inner, "http://") {
		return "", false
	}
	return inner, true
}

// hostOf returns the lower-case host of an absolute http(s) URL, without
// its port, and what follows it (path, query and fragment).
func hostOf(href string) (host, rest string, ok bool) {
	href, ok = cutHTTPScheme(href)
	if !ok {
		return "", "", false
	}
	end, port, upper := len(href), -1, false
	for i := 0; i < len(href); i++ {
		c := href[i]
		if c == '/' || c == '?' || c == '#' {
			end = i
			break
		}
		switch {
		case c == '@':
			return "", "", false // user info: not a gateway's link
		case c == ':':
			port = i
		case 'A' <= c && c <= 'Z':
			upper = true
		}
	}
	host, rest = href[:end], href[end:]
	if port >= 0 {
		host = host[:port]
	}
	if host == "" {
		return "", "", false
	}
	if upper {
		host = strings.ToLower(host)
	}
	return host, rest, true
}

// wrappedParam returns the unescaped value of the query parameter key of
// rest, the part of a URL after its host.
func wrappedParam(rest, key string) string {
	_, query, ok := strings.Cut(rest, "?")
	if !ok {
		return ""
	}
	query, _, _ = strings.Cut(query, "#")
	return linkURL{query: query}.queryParam(key)
}

// fireEye decodes the links of FireEye's (now Trellix's) Email Security:
// /v1/url?k=<key>&q=1&e=<id>&u=<escaped>, and the older
// /url?k=<key>&u=<URL> whose original stands unescaped at the end, query
// and fragment included.
func fireEye(rest string) string {
	if !hasPrefixASCIIFold(rest, "/v1/url?") && !hasPrefixASCIIFold(rest, "/url?") {
		return ""
	}
	_, query, _ := strings.Cut(rest, "?")
	for off := 0; off < len(query); {
		kv := query[off:]
		if i := strings.IndexByte(kv, '&'); i >= 0 {
			kv = kv[:i]
		}
		if v, ok := strings.CutPrefix(kv, "u="); ok {
			if hasPrefixASCIIFold(v, "https://") || hasPrefixASCIIFold(v, "http://") {
				return query[off+len("u="):]
			}
			return wrappedParam(rest, "u")
		}
		off += len(kv) + 1
	}
	return ""
}

// checkPointV2 decodes the v2 links of Check Point's Harmony Email
// (formerly Avanan): /v2/___<URL>___<blob>, with a region before the
// URL in some (/v2/r01/___<URL>___<blob>). The URL stands as it was,
// unescaped, but for a fragment, which follows the blob, and a "//"
// after the scheme, which some write as "/".
func checkPointV2(rest string) string {
	body, ok := strings.CutPrefix(rest, "/v2/")
	if !ok {
		return ""
	}
	start := strings.Index(body, "___")
	if start < 0 || strings.Contains(strings.TrimSuffix(body[:start], "/"), "/") {
		return ""
	}
	body = body[start+len("___"):]
	end := strings.LastIndex(body, "___")
	if end <= 0 {
		return ""
	}
	inner, blob := body[:end], body[end+len("___"):]
	if i := strings.IndexByte(blob, '#'); i >= 0 {
		inner += blob[i:]
	}
	for _, scheme := range []string{"https:/", "http:/"} {
		if hasPrefixASCIIFold(inner, scheme) && !hasPrefixASCIIFold(inner, scheme+"/") {
			inner = inner[:len(scheme)] + "/" + inner[len(scheme):]
		}
	}
	return inner
}

// proofpointV2 decodes Proofpoint's v1 and v2 links:
// /v1/url?u=<escaped>&k=... and /v2/url?u=<escaped, with "-" for "%" and
// "_" for "/">&d=...
func proofpointV2(rest string) string {
	switch {
	case hasPrefixASCIIFold(rest, "/v1/url?"):
		return wrappedParam(rest, "u")
	case hasPrefixASCIIFold(rest, "/v2/url?"):
		_, query, _ := strings.Cut(rest, "?")
		for kv := range strings.SplitSeq(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if k != "u" {
				continue
			}
			v = strings.NewReplacer("-", "%", "_", "/").Replace(v)
			s, err := url.PathUnescape(v)
			if err != nil {
				return ""
			}
			return s
		}
	}
	return ""
}

// proofpointV3 decodes Proofpoint's v3 links:
// /v3/__<URL>__;<base64url>!!<signature>, where each "*" of the URL stands
// for the next character of the decoded base64 part, and "**" followed by
// a letter, digit, "-" or "_" for the next 2 to 65 of them (A is 2, B 3,
// ..., _ 65): the characters a URL in a link could not hold as they were.
func proofpointV3(rest string) string {
	body, ok := strings.CutPrefix(rest, "/v3/__")
	if !ok {
		return ""
	}
	enc, after, ok := strings.Cut(body, "__;")
	if !ok {
		return ""
	}
	codes, _, _ := strings.Cut(after, "!")
	var chars []rune
	if codes != "" {
		raw := decodeBase64Loose(codes)
		if raw == "" || !utf8.ValidString(raw) {
			return ""
		}
		chars = []rune(raw)
	}
	const runLengths = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var b strings.Builder
	b.Grow(len(enc))
	next := 0
	for i := 0; i < len(enc); i++ {
		if enc[i] != '*' {
			b.WriteByte(enc[i])
			continue
		}
		n := 1
		if i+2 < len(enc) && enc[i+1] == '*' {
			k := strings.IndexByte(runLengths, enc[i+2])
			if k < 0 {
				return ""
			}
			n = k + 2
			i += 2
		}
		if next+n > len(chars) {
			return ""
		}
		b.WriteString(string(chars[next : next+n]))
		next += n
	}
	return b.String()
}

// decodeBase64Loose decodes s in standard or URL-safe base64, padded or
// not; it returns "" when s is neither.
func decodeBase64Loose(s string) string {
	s = strings.TrimRight(s, "=")
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return string(b)
		}
	}
	return ""
}

// isGatewayBanner reports whether para, a paragraph of a message's text,
// is the warning a mail gateway or an Exchange transport rule puts at the
// top or the bottom of every message from outside the organisation
// ("CAUTION: This email originated from outside of the organization. Do
// not click links ...", Microsoft's "You don't often get email from ...
// Learn why this is important"). Such a paragraph is no part of an
// invitation: in a text part without a greeting, it would be read as the
// inviter's note.
//
// A note can mention external email, links or caution; what it does not
// say is the banners' own wording. So a paragraph is a banner when it has
// one of their set phrases ("this email originated", "unless you
// recognize the sender", ...), which also catches a banner split into two
// paragraphs, or a phrase saying where the mail came from together with a
// warning ("do not click", "attachments", "be careful", ...) as a phrase
// or a whole word.
func isGatewayBanner(para string) bool {
	if len(para) > 600 {
		return false
	}
	low := strings.ToLower(para)
	if !containsSome(low, bannerAnchors) {
		// Most paragraphs, and every note but a few: no phrase below can
		// be in it (TestBannerAnchors).
		return false
	}
	low = strings.Join(strings.Fields(apostrophes.Replace(low)), " ")
	if containsSome(low, bannerPhrases) {
		return true
	}
	if !containsSome(low, bannerOrigins) {
		return false
	}
	for _, w := range bannerWarnings {
		if containsWord(low, w) {
			return true
		}
	}
	return false
}

// bannerAnchors are words without spaces or apostrophes of which every
// banner phrase and origin below holds one: a paragraph without any of
// them is no banner, found without normalising it.
var bannerAnchors = []string{
	"origin", "outside", "extern", "estern", "often", "recogni", "safe",
	"außerhalb", "extérieur", "fuera", "fora",
}

// bannerPhrases are said by gateways' banners and by no invitation note
// (lower case, straight apostrophes, single spaces).
var bannerPhrases = []string{
	"this email originated", "this e-mail originated", "this message originated", "this mail originated",
	"don't often get email from", "do not often get email from", "don't often get e-mail from",
	"unless you recognize the sender", "unless you recognise the sender", "know the content is safe",
	"this email came from outside", "this message came from outside", "this email came from an external",
	"this message is from an external sender", "this email is from an external sender",
	"diese e-mail stammt von außerhalb", "diese nachricht stammt von außerhalb",
	"ce courriel provient de l'extérieur", "ce message provient de l'extérieur", "ce message provient d'un expéditeur externe",
	"este correo se originó fuera", "este mensaje se originó fuera", "este correo proviene de fuera",
	"questa email proviene dall'esterno", "questo messaggio proviene dall'esterno",
	"este e-mail foi enviado de fora", "este email foi enviado de fora", "esta mensagem foi enviada de fora",
}

// bannerOrigins say that a message came from outside.
var bannerOrigins = []string{
	"originated from outside", "originated outside", "from outside of the organi", "from outside the organi",
	"from outside your organi", "from outside of your organi", "from outside our organi", "outside of the organi",
	"external sender", "external email", "external e-mail", "external message", "[external]", "external:",
	"außerhalb der organisation", "außerhalb ihrer organisation", "externen absender", "externe e-mail",
	"l'extérieur de l'organisation", "l'extérieur de votre organisation", "expéditeur externe", "courriel externe",
	"fuera de la organización", "fuera de su organización", "remitente externo", "correo externo",
	"all'esterno dell'organizzazione", "esterno all'organizzazione", "mittente esterno",
	"fora da organização", "fora da sua organização", "remetente externo",
}

// bannerWarnings are the warnings that come with an origin phrase in a
// banner, matched as whole words or phrases ("link" would match
// "LinkedIn", which every note may name).
var bannerWarnings = []string{
	"caution", "cautious", "be careful", "do not click", "don't click", "not click", "click on links", "clicking links",
	"attachments", "phishing", "suspicious", "vorsicht", "anhänge", "klicken sie nicht", "prudence", "ne cliquez pas",
	"pièces jointes", "precaución", "no haga clic", "archivos adjuntos", "attenzione", "non cliccare", "allegati",
	"cuidado", "não clique", "anexos",
}

func containsSome(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// containsWord reports whether w occurs in s between word boundaries
// (anything but a letter or a digit, or either end).
func containsWord(s, w string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		i += off
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(w):])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		off = i + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// googleHost reports whether host is Google's search host, whose /url
// redirects: google.com, a country's (google.de, google.co.uk,
// google.com.au), with or without "www.".
func googleHost(host string) bool {
	host = strings.TrimPrefix(host, "www.")
	rest, ok := strings.CutPrefix(host, "google.")
	if !ok {
		return false
	}
	if rest == "com" {
		return true
	}
	for _, p := range []string{"co.", "com."} {
		if cc, ok := strings.CutPrefix(rest, p); ok {
			rest = cc
			break
		}
	}
	return len(rest) == 2 && isLetter(rune(rest[0])) && isLetter(rune(rest[1]))
}
