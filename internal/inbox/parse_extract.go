package inbox

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
)

// maxInvitations bounds the invitations taken from one message; LinkedIn
// digests show a handful.
const maxInvitations = 50

// doc is one rendered body part.
type doc struct {
	lines   []line              // visible lines, in reading order
	hidden  []line              // lines of hidden elements (the preheader)
	allText []line              // every line, visible or not
	isText  bool                // from text/plain: blank lines separate paragraphs
	links   map[string]linkInfo // readLink of every href looked at
	memo    []lineMemo          // per line of lines: cached answers
	keys    []byte              // backing store of the memo's fold keys
	textLen int                 // bytes of text in lines
	// greetings backs the memo's greeting submatches.
	greetings [][]string
}

// link returns readLink(href), parsing each href of the document once.
func (d *doc) link(href string) linkInfo {
	if li, ok := d.links[href]; ok {
		return li
	}
	li := readLink(href)
	if d.links == nil {
		d.links = map[string]linkInfo{}
	}
	d.links[href] = li
	return li
}

func newDoc(lines []line, isText bool) *doc {
	d := &doc{isText: isText, allText: lines}
	hidden := 0
	for _, l := range lines {
		if l.hidden {
			hidden++
		}
	}
	if hidden > 0 {
		d.hidden = make([]line, 0, hidden)
	}
	if len(lines) > hidden {
		d.lines = make([]line, 0, len(lines)-hidden)
	}
	for _, l := range lines {
		if l.hidden {
			d.hidden = append(d.hidden, l)
		} else {
			d.lines = append(d.lines, l)
			d.textLen += len(l.text)
		}
	}
	d.memo = make([]lineMemo, len(d.lines))
	return d
}

// msgContext is what the whole message says, used while reading each card.
type msgContext struct {
	subject        string
	fromName       string // the sender's display name when it is a person
	recipient      string // full name when known
	recipientFirst string
	recipientURLs  map[string]bool // cleaned profile URLs of the recipient
	preFirst       string          // first name from the preheader
	preTitle       string
	preCompany     string
	reminder       bool
}

// templateKind classifies an X-LinkedIn-Template value.
type templateKind int

const (
	tmplUnknown templateKind = iota
	tmplInvite
	tmplAccepted
	tmplOther
)

func classifyTemplate(t string) templateKind {
	t = strings.ToLower(t)
	switch {
	case t == "":
		return tmplUnknown
	case strings.Contains(t, "accepted") || strings.Contains(t, "accept_") || strings.Contains(t, "new_connection"):
		return tmplAccepted
	case slices.ContainsFunc(otherTemplates, func(w string) bool { return strings.Contains(t, w) }):
		// Invitations to follow a page, attend an event, join a group:
		// not to connect, though their names say "invite".
		return tmplOther
	case strings.Contains(t, "invite") || strings.Contains(t, "invitation") || strings.Contains(t, "guest_reminder"):
		// "guest_reminder": first_guest_reminder_01 and
		// second_guest_reminder_01 remind invitees without an account.
		return tmplInvite
	}
	return tmplOther
}

// notInvitationByHeader reports what analyseDocs would conclude from the
// header alone: a message whose template names an acceptance notice, or
// another kind of mail with an acceptance's subject, or whose subject
// invites to something other than a connection, is no invitation,
// whatever its body. Parse answers those without decoding the body (one
// candidate in ten, in a real mailbox, is such a notice). Without a
// template in the header analyseDocs reads one from the body's links, so
// only the subject of an invitation to something else decides then.
func notInvitationByHeader(msg Message) bool {
	if anyMatch(phrases().otherInvites, msg.Subject) {
		return true
	}
	if msg.Template == "" {
		return false
	}
	kind := classifyTemplate(msg.Template)
	return kind == tmplAccepted || kind != tmplInvite && anyMatch(phrases().accepted, msg.Subject)
}

// otherTemplates are words of the names of templates that invite to
// something other than a connection.
var otherTemplates = []string{"follow", "event", "group", "newsletter", "organization", "company", "course", "learning"}

// classifyClass classifies an X-LinkedIn-Class value ("INVITE-GUEST"),
// which old mails carry; it is consulted only when the template says
// nothing.
func classifyClass(c string) templateKind {
	c = strings.ToLower(c)
	switch {
	case c == "":
		return tmplUnknown
	case strings.Contains(c, "accept"):
		return tmplAccepted
	case strings.Contains(c, "invite"):
		return tmplInvite
	}
	return tmplUnknown
}

// analyse turns the decoded parts of a LinkedIn message into invitations.
func analyse(msg Message, h mail.Header, b *bodies) (Message, error) {
	var htmlDoc, textDoc *doc
	if b.haveHTML && strings.TrimSpace(b.html) != "" {
		lines, err := htmlLines(strings.NewReader(b.html))
		if err != nil {
			return msg, fmt.Errorf("text/html part: %w", err)
		}
		htmlDoc = newDoc(lines, false)
	}
	if b.haveText && strings.TrimSpace(b.text) != "" {
		textDoc = newDoc(textLines(b.text), true)
	}
	return analyseDocs(msg, h, htmlDoc, textDoc)
}

// analyseDocs is analyse once the parts are rendered to lines; either doc
// may be nil.
func analyseDocs(msg Message, h mail.Header, htmlDoc, textDoc *doc) (Message, error) {
	docs := make([]*doc, 0, 2)
	for _, d := range []*doc{htmlDoc, textDoc} {
		if d != nil {
			docs = append(docs, d)
		}
	}

	if msg.Template == "" {
		msg.Template = inferTemplate(docs)
	}
	kind := classifyTemplate(msg.Template)
	if kind == tmplUnknown {
		kind = classifyClass(h.Get("X-LinkedIn-Class"))
	}
	if kind == tmplAccepted || (kind != tmplInvite && anyMatch(phrases().accepted, msg.Subject)) ||
		anyMatch(phrases().otherInvites, msg.Subject) {
		return msg, ErrNotInvitation
	}
	local, _, _ := strings.Cut(msg.From, "@")
	invitationSender := strings.Contains(local, "invitation") || strings.Contains(local, "member")
	announced := kind == tmplInvite || (invitationSender && kind == tmplUnknown &&
		(anyMatch(phrases().inviteSubjects, msg.Subject) || saysInvitation(docs)))

	ctx := &msgContext{subject: msg.Subject, fromName: personName(msg.FromName)}
	ctx.recipient, ctx.recipientFirst = findRecipient(docs, toName(h))
	ctx.recipientURLs = recipientURLs(docs, ctx.recipient)
	readPreheader(ctx, docs)
	ctx.reminder = isReminder(msg)

	var fromHTML, fromText []Invitation
	if htmlDoc != nil {
		fromHTML = extractCards(htmlDoc, ctx, announced)
	}
	if textDoc != nil {
		fromText = extractCards(textDoc, ctx, announced)
	}
	invs := mergeParts(fromHTML, fromText, htmlDoc)
	if len(invs) == 0 {
		if announced {
			return msg, errors.New("no invitation card found in an invitation email (unrecognised layout)")
		}
		return msg, ErrNotInvitation
	}
	if len(invs) > maxInvitations {
		invs = invs[:maxInvitations]
	}
	for i := range invs {
		finish(&invs[i], ctx, len(invs) == 1)
		invs[i].MessageID = msg.MessageID
		invs[i].Date = msg.Date
		invs[i].Recipient = ctx.recipient
	}
	msg.Invitations = invs
	return msg, nil
}

// saysInvitation reports whether a body states an invitation in one of its
// first lines ("Jane Doe would like to connect on LinkedIn. How would you
// like to respond?"), for mails whose subject is not known.
func saysInvitation(docs []*doc) bool {
	for _, d := range docs {
		n := 0
		for i, l := range d.lines {
			if l.blank() || l.href != "" {
				continue
			}
			if anyMatchKey(phrases().inviteLines, l.text, d.key(i)) {
				return true
			}
			if n++; n >= 8 {
				break
			}
		}
	}
	return false
}

// inferTemplate reads the template name from the tracking parameters of
// the message's links, for mails without an X-LinkedIn-Template header.
func inferTemplate(docs []*doc) string {
	for _, d := range docs {
		for _, l := range d.allText {
			if l.href == "" {
				continue
			}
			if t := emailTemplate(l.href); t != "" {
				return t
			}
		}
	}
	return ""
}

// personName returns the sender display name when it names a person: "Jane
// Doe" from "Jane Doe" or "Jane Doe via LinkedIn", "" for "LinkedIn".
func personName(fromName string) string {
	n := strings.Trim(normalize(fromName), `"'`)
	for _, suffix := range []string{" via LinkedIn", " tramite LinkedIn", " über LinkedIn", " via Linkedin", " por LinkedIn", " par LinkedIn", " (LinkedIn)"} {
		if len(n) > len(suffix) && strings.EqualFold(n[len(n)-len(suffix):], suffix) {
			n = strings.TrimSpace(n[:len(n)-len(suffix)])
		}
	}
	if n == "" || strings.Contains(strings.ToLower(n), "linkedin") {
		return ""
	}
	return n
}

// findRecipient returns the recipient's full and first names: from the
// "This email was intended for <Name> (...)" footer, else the To display
// name, else the greeting.
func findRecipient(docs []*doc, to string) (full, first string) {
	var greeted string
	for _, d := range docs {
		for i, l := range d.lines {
			if l.href != "" {
				continue
			}
			if full == "" {
				if m := firstSubmatchKey(phrases().intendedFor, l.text, d.key(i)); m != nil {
					full = strings.TrimSpace(strings.TrimRight(m[1], ". "))
				}
			}
			if m := d.greeting(i); m != nil && greeted == "" {
				greeted = strings.TrimSpace(m[1])
			}
		}
	}
	if full == "" {
		full = to
	}
	if full == "" {
		full = greeted
	}
	first = greeted
	if first == "" && full != "" {
		first = firstName(full)
	}
	return full, first
}

// recipientURLs collects the profile links labelled with the recipient's
// name (the header of 2016+ mails links to the recipient's own profile).
func recipientURLs(docs []*doc, recipient string) map[string]bool {
	urls := map[string]bool{}
	if recipient == "" {
		return urls
	}
	for _, d := range docs {
		for _, l := range d.lines {
			if l.href != "" && sameName(l.text, recipient) {
				if u := d.link(l.href).profile; u != "" {
					urls[u] = true
				}
			}
		}
	}
	return urls
}

// preheaderRe reads "<First>, <Title> from <Company> is waiting for your
// response" (2023+ reminders and cards).
var preheaderRe = lazyRegexp(`(?i)^([^,]{1,60}), (.+?) (?:from|at|@|presso|chez|bei) (.+?) is (?:still )?waiting for your response`)

// preheaderPhrase is preheaderRe with its literal prefilter.
var preheaderPhrase = sync.OnceValue(func() *phrase {
	p := compilePhrase(preheaderRe().String())
	return &p
})

func readPreheader(ctx *msgContext, docs []*doc) {
	for _, d := range docs {
		var parts []string
		for _, l := range d.hidden {
			parts = append(parts, l.text)
		}
		pre := strings.Join(parts, " ")
		if pre == "" {
			continue
		}
		var buf [512]byte
		var m []string
		if preheaderPhrase().mayMatch(foldKey(buf[:0], pre)) {
			m = preheaderRe().FindStringSubmatch(pre)
		}
		if m != nil {
			ctx.preFirst, ctx.preTitle, ctx.preCompany = strings.TrimSpace(m[1]), strings.TrimSpace(m[2]), strings.TrimSpace(m[3])
		} else if first, _, ok := strings.Cut(pre, ","); ok && anyMatch(phrases().reminders, pre) && len(first) <= 60 {
			ctx.preFirst = strings.TrimSpace(first)
		}
		return
	}
}

// isReminder reports whether a message re-sends an invitation. The
// X-LinkedIn-Template header decides when present; otherwise the subject
// does. The body cannot: every 2023+ card carries a hidden "... is waiting
// for your response" preheader, reminder or not.
func isReminder(msg Message) bool {
	if msg.Template != "" && classifyTemplate(msg.Template) != tmplUnknown {
		return strings.Contains(strings.ToLower(msg.Template), "reminder")
	}
	return anyMatch(phrases().reminders, msg.Subject)
}

// sameName compares two names the way a reader would.
func sameName(a, b string) bool {
	a, b = normalize(a), normalize(b)
	return a != "" && strings.EqualFold(a, b)
}

// samePerson is sameName, also when one of the names carries credentials
// the other lacks: a card may show "Priya Raman, PhD" from a sender
// "Priya Raman".
func samePerson(a, b string) bool {
	if sameName(a, b) {
		return true
	}
	if !strings.Contains(a, ",") && !strings.Contains(b, ",") {
		return false
	}
	return sameName(withoutCredentials(a), withoutCredentials(b))
}

// withoutCredentials returns a name without the credentials written after
// a comma ("Priya Raman, PhD, MBA" is "Priya Raman"), and any other text
// as it is.
func withoutCredentials(name string) string {
	base, rest, ok := strings.Cut(name, ",")
	if !ok {
		return name
	}
	for part := range strings.SplitSeq(rest, ",") {
		if !isCredential(strings.TrimSpace(part)) {
			return name
		}
	}
	return strings.TrimSpace(base)
}

// isAcceptLabel reports whether text is the label of an accept button.
func isAcceptLabel(text string) bool {
	var buf [256]byte
	return isAcceptLabelKey(text, foldKey(buf[:0], text))
}

// isActionLabel reports whether text is the label of a button or link:
// accept, view profile, view invitation.
func isActionLabel(text string) bool {
	var buf [256]byte
	return isActionLabelKey(text, foldKey(buf[:0], text))
}

// isStructural reports lines that are never a name, headline, location or
// note: boilerplate, greetings, footers, list headings.
func isStructural(text string) bool {
	var buf [256]byte
	return isStructuralKey(text, foldKey(buf[:0], text))
}

// plausibleName reports whether text can be a person's name as LinkedIn
// shows it.
func plausibleName(text string) bool {
	if text == "" || len(text) > 100 {
		return false
	}
	var buf [256]byte
	return plausibleNameKey(text, foldKey(buf[:0], text))
}

func isLetter(r rune) bool {
	return r > 127 || (r|0x20) >= 'a' && (r|0x20) <= 'z'
}

// mutualCount reads "N connections in common" and its variants in text.
func mutualCount(text string) *int {
	var buf [256]byte
	return mutualCountKey(text, foldKey(buf[:0], text))
}

// mutualCountKey is mutualCount for a text whose fold key is key.
func mutualCountKey(text string, key []byte) *int {
	if m := firstSubmatchKey(phrases().mutual, text, key); m != nil {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m[1])
		if n, err := strconv.Atoi(digits); err == nil && n >= 0 && n < 1e7 {
			return &n
		}
	}
	if m := firstSubmatchKey(phrases().mutualOthers, text, key); m != nil {
		if n, err := strconv.Atoi(m[2]); err == nil && n >= 0 && n < 1e6 {
			n += namedCount(m[1])
			return &n
		}
	}
	if m := firstSubmatchKey(phrases().mutualNamed, text, key); m != nil {
		n := namedCount(m[1])
		return &n
	}
	if anyMatchKey(phrases().mutualOne, text, key) {
		n := 1
		return &n
	}
	return nil
}

// namedCount counts the people a mutual-connections line names before
// its count or its verb: "Ana Lima, Tomasz Nowak" and "Ana Lima and
// Tomasz Nowak" are two. What stands before a " · " on the same line (a
// location) names nobody, and a credential after a comma ("Jane Doe,
// PhD") is no one else. Every line names at least one person.
func namedCount(s string) int {
	for _, sep := range []string{" · ", " • ", " | "} {
		if i := strings.LastIndex(s, sep); i >= 0 {
			s = s[i+len(sep):]
		}
	}
	n := 0
	for part := range strings.SplitSeq(s, ",") {
		for name := range strings.SplitSeq(strings.ReplaceAll(part, " & ", " and "), " and ") {
			if name = strings.TrimSpace(name); name != "" && !isCredential(name) {
				n++
			}
		}
	}
	return max(n, 1)
}

// credentials are the letters after a name that are not a name ("PhD"),
// beside those written in capitals ("MBA", "CPA").
var credentials = map[string]bool{"phd": true, "ph.d.": true, "jr.": true, "jr": true, "sr.": true, "sr": true, "msc": true, "bsc": true}

// isCredential reports whether s, one part of a list of names, is a
// credential: one word, in capitals or a known one.
func isCredential(s string) bool {
	if strings.ContainsAny(s, " \u00a0") || len(s) > 8 {
		return false
	}
	return credentials[strings.ToLower(s)] || strings.ToUpper(s) == s && strings.ToLower(s) != s
}

// withoutMutual removes the "· N connections in common" segment from a
// line that also holds other text (a location, say).
func withoutMutual(text string) string {
	var keep []string
	for _, seg := range splitSegments(text, []string{" · ", " • ", " | "}) {
		if mutualCount(seg) == nil {
			keep = append(keep, seg)
		}
	}
	return strings.TrimSpace(strings.Join(keep, " · "))
}

func splitSegments(s string, seps []string) []string {
	segs := []string{s}
	for _, sep := range seps {
		var next []string
		for _, seg := range segs {
			for _, p := range strings.Split(seg, sep) {
				if p = strings.TrimSpace(p); p != "" {
					next = append(next, p)
				}
			}
		}
		segs = next
	}
	return segs
}

// locationLike reports whether text reads like a place ("Greater Boston
// Area", "Milan, Lombardy, Italy") rather than a sentence of a note.
func locationLike(text string) bool {
	if text == "" || len(text) > 80 || len(strings.Fields(text)) > 8 || strings.Contains(text, "://") {
		return false
	}
	if strings.ContainsAny(text[len(text)-1:], ".!?:…\"”") || strings.ContainsAny(text[:1], "\"“'‘«") {
		return false
	}
	return !strings.ContainsAny(text, "@|")
}

// countLine reports whether text reads like a count that LinkedIn prints
// on a card ("12 gemeenschappelijke connecties", "共通のつながり12人",
// "500+ connections") rather than words someone wrote: a note is a
// sentence, with punctuation, a greeting or quotation marks around it. A
// count line is short (a number and up to three words), holds no
// punctuation but the separators inside the number, and starts with the
// number, or is one word (in scripts written without spaces).
func countLine(text string) bool {
	if text == "" || len(text) > 64 {
		return false
	}
	words, inWord, prevDigit := 0, false, false
	for i, r := range text {
		digit := unicode.IsDigit(r)
		w := utf8.RuneLen(r)
		nextDigit := i+w < len(text) && text[i+w] >= '0' && text[i+w] <= '9'
		switch {
		case digit, r == '+' && prevDigit: // "500+"
		case prevDigit && nextDigit && (r == ',' || r == '.' || r == ' ' || r == '\u00a0' || r == '\u202f'):
			// "1,204", "1 204": inside the number
		case unicode.IsSpace(r):
			inWord, prevDigit = false, false
			continue
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			return false // a sentence, a quote, a URL
		}
		if !inWord {
			inWord = true
			if words++; words > 4 {
				return false
			}
		}
		prevDigit = digit
	}
	if r, _ := utf8.DecodeRuneInString(text); unicode.IsDigit(r) {
		return true
	}
	// One word: the number may stand anywhere in it.
	return words == 1 && strings.IndexFunc(text, unicode.IsDigit) >= 0
}

// cardAnchor is the accept link of one invitation card.
type cardAnchor struct {
	index int    // line index of the accept link
	href  string // the accept URL
}

// extractCards reads the invitation cards of one rendered part. Each card
// is anchored on its accept link; the inviter is read backwards from it, so
// the recipient's own profile link in the header and the "people you may
// know" list after the card are never taken for the inviter. labelOK allows
// accept links known only by a bare label ("Accept") when the header
// already says the mail is an invitation; a label that names the inviter
// ("Accept invitation from Jane Doe", 2011 links being opaque) always
// counts.
func extractCards(d *doc, ctx *msgContext, labelOK bool) []Invitation {
	L := d.lines
	limit := len(L)
	for i, l := range L {
		if l.href == "" && d.pymkHeading(i) {
			limit = i
			break
		}
	}
	var anchors []cardAnchor
	seen := map[string]bool{}
	for i := 0; i < limit; i++ {
		l := L[i]
		if l.href == "" {
			continue
		}
		label := strings.TrimRight(normalize(l.text), ":. ")
		link := d.link(l.href)
		byURL := link.accept ||
			link.invitation && !anyMatch(phrases().viewProfile, label) && !isStructural(label)
		byLabel := isAcceptLabelKey(l.text, d.key(i)) && (labelOK || anyMatch(phrases().acceptFrom, strings.TrimRight(l.text, ":. ")))
		if !byURL && !byLabel {
			continue
		}
		key := link.invitationID
		if key == "" {
			key = l.href
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		anchors = append(anchors, cardAnchor{index: i, href: l.href})
		if len(anchors) > maxInvitations {
			break
		}
	}
	if len(anchors) == 0 {
		return nil
	}
	// Cards end at the footer that follows the last accept link.
	last := anchors[len(anchors)-1].index
	for i := last + 1; i < limit; i++ {
		if L[i].href == "" && anyMatchKey(phrases().footers, L[i].text, d.key(i)) {
			limit = i
			break
		}
	}

	type found struct {
		name  string
		n     int  // line of the name, -1 when the name came from elsewhere
		infos bool // the lines after n describe the inviter
	}
	names := make([]found, len(anchors))
	for k, a := range anchors {
		lo := 0
		if k > 0 {
			lo = anchors[k-1].index + 1
		}
		name, n, infos := findName(d, ctx, lo, a.index)
		names[k] = found{name, n, infos}
	}

	var out []Invitation
	for k, a := range anchors {
		f := names[k]
		lo := 0
		if k > 0 {
			lo = anchors[k-1].index + 1
		}
		hi := limit // the card's extent for its profile link
		if k+1 < len(anchors) {
			hi = anchors[k+1].index
			if names[k+1].n > a.index {
				hi = names[k+1].n
			}
		}
		// Another person's name link after the buttons starts another
		// list (people you may know, under a heading not in the tables).
		for i := a.index + 1; i < hi; i++ {
			if L[i].href != "" && d.plausible(i) && !samePerson(L[i].text, f.name) {
				hi = i
				break
			}
		}
		if f.name == "" {
			continue
		}
		inv := Invitation{Name: f.name, AcceptURL: a.href, InvitationID: d.link(a.href).invitationID}
		used := map[int]bool{}
		var extras []string
		if f.n >= 0 {
			used[f.n] = true
			if f.infos {
				extras = readInfo(d, &inv, f.n, a.index, used)
			}
		}
		inv.ProfileURL = findProfile(d, ctx, f.n, lo, hi, a.index)
		if inv.MutualConnections == nil {
			for i := lo; i < a.index; i++ {
				if L[i].href == "" {
					if c := d.mutual(i); c != nil {
						inv.MutualConnections = c
						used[i] = true
						break
					}
				}
			}
		}
		inv.Note = readNote(d, ctx, lo, a.index, f.n, f.n >= 0 && f.infos, used)
		if inv.Note == "" && len(extras) > 0 {
			inv.Note = cleanNote(strings.Join(extras, "\n"))
		}
		if inv.Note == "" && d.isText && len(anchors) == 1 {
			inv.Note = noteAfterLinks(d, ctx, a.index, limit)
		}
		out = append(out, inv)
	}
	return out
}

// findName finds the inviter's name for the card whose accept link is at
// line a, looking no further back than line lo. It returns the name, its
// line (or -1) and whether the lines after it describe the inviter.
func findName(d *doc, ctx *msgContext, lo, a int) (string, int, bool) {
	L := d.lines
	// 1. The nearest profile link with a name as its text.
	fallback := -1
	for i := a - 1; i >= lo; i-- {
		l := L[i]
		if l.href == "" || d.link(l.href).profile == "" || !d.plausible(i) {
			continue
		}
		if ctx.recipient != "" && sameName(l.text, ctx.recipient) || ctx.recipientURLs[d.link(l.href).profile] {
			continue
		}
		if ctx.fromName == "" || samePerson(l.text, ctx.fromName) {
			return l.text, i, true
		}
		if fallback < 0 {
			fallback = i
		}
	}
	// 2. A line that is the sender's name.
	if ctx.fromName != "" {
		for i := a - 1; i >= lo; i-- {
			if samePerson(L[i].text, ctx.fromName) {
				return L[i].text, i, true
			}
		}
	}
	if fallback >= 0 {
		return L[fallback].text, fallback, true
	}
	// 3. 2011: "<Name> requested to add you as a connection on LinkedIn:".
	for i := lo; i < a; i++ {
		if m := firstSubmatchKey(phrases().requested, L[i].text, d.key(i)); m != nil && plausibleName(m[1]) {
			return m[1], i, false
		}
	}
	// 4. Text parts: the paragraph just above the links.
	if d.isText {
		j := a - 1
		for j >= lo && (L[j].blank() || L[j].href != "") {
			j--
		}
		if j >= lo && !d.structural(j) {
			s := j
			for s-1 >= lo && !L[s-1].blank() && L[s-1].href == "" {
				s--
			}
			if d.plausible(s) && !sameName(L[s].text, ctx.recipient) {
				return L[s].text, s, true
			}
		}
	}
	// 5. Labels that carry the name: "Accept invitation from Jane Doe",
	// "View Jane Doe's profile".
	for i := lo; i < len(L) && i <= a+3; i++ {
		t := strings.TrimRight(L[i].text, ":. ")
		if m := firstSubmatch(phrases().acceptFrom, t); m != nil && plausibleName(m[1]) {
			return m[1], -1, false
		}
		if m := firstSubmatch(phrases().viewProfile, t); m != nil && len(m) > 1 && m[1] != "" && plausibleName(m[1]) {
			return m[1], -1, false
		}
	}
	// 6. The sender's display name.
	if ctx.fromName != "" {
		return ctx.fromName, -1, false
	}
	return "", -1, false
}

// readInfo reads the headline, location and mutual connections from the
// lines after the name at n, up to the next link. It returns the other
// lines, which in 2023+ cards are the note.
func readInfo(d *doc, inv *Invitation, n, a int, used map[int]bool) []string {
	L := d.lines
	var extras []string
	for i := n + 1; i < len(L) && i < a+1; i++ {
		l := L[i]
		if badgeBeforeInfo(d, i, a) {
			// "She/Her", "2nd", "Premium", perhaps in the name's link: not
			// the headline.
			used[i] = true
			continue
		}
		if l.href != "" || (d.isText && l.blank()) {
			break
		}
		if d.structural(i) || d.greeting(i) != nil {
			break
		}
		text := l.text
		if samePerson(text, inv.Name) {
			// The name again, after a photo link that carried it.
			used[i] = true
			continue
		}
		if c := d.mutual(i); c != nil {
			if inv.MutualConnections == nil {
				inv.MutualConnections = c
			}
			used[i] = true
			text = withoutMutual(text)
			if text == "" {
				continue
			}
		}
		switch {
		case inv.Headline == "":
			inv.Headline = text
		case len(extras) == 0 && countLine(text):
			// The mutual connections in a language the tables lack
			// ("12 gemeenschappelijke connecties"): no location, and
			// not the inviter's words.
		case inv.Location == "" && len(extras) == 0 && locationLike(text):
			inv.Location = text
		default:
			extras = append(extras, text)
		}
		used[i] = true
	}
	return extras
}

// badgeBeforeInfo reports whether line i, in the card whose accept link
// is at a, is a line of badges. Pronouns and degrees always are. Words
// that can be a whole headline ("Hiring", "Open to work", "Premium") are
// when a headline still follows them: two more short lines (a headline
// and a place), or one that reads as a headline ("... at Monzo"). Before
// a place alone, or nothing, they are the headline.
func badgeBeforeInfo(d *doc, i, a int) bool {
	switch badgeLine(d.lines[i].text) {
	case badgeSure:
		return true
	case notBadge:
		return false
	}
	var after []string
	for j := i + 1; j < len(d.lines) && j < a && len(after) < 2; j++ {
		l := d.lines[j]
		if l.href != "" || (d.isText && l.blank()) || d.structural(j) || d.greeting(j) != nil {
			break
		}
		if isBadgeLine(l.text) || d.mutual(j) != nil || !locationLike(l.text) {
			continue // more badges, the mutual connections, a note
		}
		after = append(after, l.text)
	}
	switch len(after) {
	case 2:
		return true
	case 1:
		return headlineMarked(after[0])
	}
	return false
}

// headlineMarked reports whether text names a job at a company the way
// headlines do ("Engineer at Monzo", "CTO @ Acme", "Go | Kubernetes").
func headlineMarked(text string) bool {
	for _, m := range []string{" at ", " @ ", "|", " chez ", " bei ", " presso ", " bij "} {
		if containsLower(text, m) {
			return true
		}
	}
	return false
}

// findProfile returns the cleaned profile URL of the inviter: the link of
// the name, else a "View profile" link or a photo link within the card.
func findProfile(d *doc, ctx *msgContext, n, lo, hi, a int) string {
	L := d.lines
	if n >= 0 && L[n].href != "" {
		if u := d.link(L[n].href).profile; u != "" {
			return u
		}
	}
	from := lo
	if n > lo {
		from = n
	}
	var photo string
	for i := from; i < hi && i < len(L); i++ {
		l := L[i]
		if l.href == "" {
			continue
		}
		u := d.link(l.href).profile
		if u == "" || ctx.recipientURLs[u] {
			continue
		}
		t := strings.TrimRight(l.text, ":. ")
		if t == l.text && anyMatchKey(phrases().viewProfile, t, d.key(i)) || t != l.text && anyMatch(phrases().viewProfile, t) {
			return u
		}
		if t == "" && photo == "" {
			photo = u
		}
	}
	return photo
}

var signature = lazyRegexp(`^[-–—~]\s*\p{L}[\p{L}\p{M}'’. -]{0,40}$`)

// readNote returns the note of the card between lines lo and a: the text
// after the greeting ("Hi Paul, <note>", or "Paul," in 2011 mails) and
// before the inviter's name or the accept link. cardName says the name at
// n heads a card (rather than a 2011 "requested to add you" sentence).
func readNote(d *doc, ctx *msgContext, lo, a, n int, cardName bool, used map[int]bool) string {
	L := d.lines
	g, rest, bare := -1, "", false
	bareGreeting := ctx.recipientFirst + ","
	for i := lo; i < a; i++ {
		if L[i].href != "" {
			continue
		}
		if m := d.greeting(i); m != nil {
			g, rest = i, m[2]
			break
		}
		if ctx.recipientFirst != "" && strings.EqualFold(L[i].text, bareGreeting) {
			g, bare = i, true // 2011: "Paul," on its own line
			break
		}
	}
	if g >= 0 && !bare && cardName && g > n {
		// A greeting after the inviter's name, inside the card, is the
		// inviter's own words: keep it in the note.
		rest = L[g].text
	}
	start, end := g+1, a
	if g < 0 {
		if !d.isText {
			return "" // HTML cards: the note follows the inviter's details
		}
		// Text parts without a greeting: whatever is neither the
		// inviter's paragraph nor boilerplate, before or after it.
		start = lo
	} else if n > start && n < end {
		end = n
	}
	var paras [][]string
	var cur []string
	if rest = strings.TrimSpace(rest); rest != "" {
		cur = append(cur, rest)
	}
	for i := start; i < end; i++ {
		l := L[i]
		switch {
		case l.blank():
			if len(cur) > 0 {
				paras = append(paras, cur)
				cur = nil
			}
			continue
		case l.href != "", used[i], d.structural(i), l.text == ctx.subject:
			continue
		case ctx.recipient != "" && sameName(l.text, ctx.recipient):
			continue
		}
		cur = append(cur, l.text)
	}
	if len(cur) > 0 {
		paras = append(paras, cur)
	}
	// Drop the "- Sam" signature of 2011 notes.
	if k := len(paras); k > 0 {
		p := paras[k-1]
		if signature().MatchString(p[len(p)-1]) {
			p = p[:len(p)-1]
			if len(p) == 0 {
				paras = paras[:k-1]
			} else {
				paras[k-1] = p
			}
		}
	}
	var out []string
	for _, p := range paras {
		out = append(out, strings.Join(p, "\n"))
	}
	// A mail gateway's banner comes first or last, never inside a note.
	for len(out) > 0 && isGatewayBanner(out[0]) {
		out = out[1:]
	}
	for len(out) > 0 && isGatewayBanner(out[len(out)-1]) {
		out = out[:len(out)-1]
	}
	return cleanNote(strings.Join(out, "\n\n"))
}

// noteAfterLinks reads a note that follows the card's links in a text
// part, as 2016 guest reminders write it: "Accept: ...", "View Jane's
// profile: ...", then the note, then the footer. It takes the first
// paragraph after the links and stops at a separator, a footer or another
// link.
func noteAfterLinks(d *doc, ctx *msgContext, a, limit int) string {
	L := d.lines
	var para []string
	for i := a + 1; i < limit && i < len(L); i++ {
		l := L[i]
		switch {
		case l.href != "":
			if len(para) > 0 {
				return ""
			}
			continue
		case l.blank():
			if len(para) > 0 {
				if note := strings.Join(para, "\n"); !isGatewayBanner(note) {
					return cleanNote(note)
				}
				para = nil // a mail gateway's banner: read on
			}
			continue
		case d.structural(i) || d.greeting(i) != nil || d.mutual(i) != nil ||
			ctx.recipient != "" && sameName(l.text, ctx.recipient):
			return ""
		}
		para = append(para, l.text)
	}
	if note := strings.Join(para, "\n"); !isGatewayBanner(note) {
		return cleanNote(note)
	}
	return ""
}

// cleanNote trims a note and the quotation marks a card puts around it.
func cleanNote(s string) string {
	s = strings.TrimSpace(s)
	for _, q := range [][2]string{{"“", "”"}, {`"`, `"`}, {"«", "»"}, {"„", "“"}, {"‘", "’"}} {
		if strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) && len(s) > len(q[0])+len(q[1]) {
			s = strings.TrimSpace(s[len(q[0]) : len(s)-len(q[1])])
		}
	}
	return s
}

// mergeParts combines the invitations read from the HTML and text parts.
// The HTML part is preferred for location and mutual connections always,
// and for everything in 2018+ cards (mynetwork accept links, "people you
// may know" lists) or when the parts disagree; otherwise the text part,
// whose paragraphs are unambiguous, leads. Either fills what the other
// lacks.
func mergeParts(fromHTML, fromText []Invitation, htmlDoc *doc) []Invitation {
	if len(fromHTML) == 0 {
		return fromText
	}
	if len(fromText) == 0 {
		return fromHTML
	}
	htmlFirst := len(fromHTML) != len(fromText)
	for _, inv := range fromHTML {
		if containsLower(inv.AcceptURL, "/mynetwork/") {
			htmlFirst = true
		}
	}
	for i := range htmlDoc.lines {
		if htmlDoc.pymkHeading(i) {
			htmlFirst = true
			break
		}
	}
	primary, secondary := fromText, fromHTML
	if htmlFirst {
		primary, secondary = fromHTML, fromText
	}
	out := make([]Invitation, len(primary))
	copy(out, primary)
	for i := range out {
		j := matchInvitation(out[i], i, secondary, len(primary) == len(secondary))
		if j < 0 {
			continue
		}
		o := secondary[j]
		fill := func(dst *string, src string) {
			if *dst == "" {
				*dst = src
			}
		}
		fill(&out[i].Name, o.Name)
		fill(&out[i].Headline, o.Headline)
		fill(&out[i].Note, o.Note)
		fill(&out[i].ProfileURL, o.ProfileURL)
		fill(&out[i].InvitationID, o.InvitationID)
		fill(&out[i].AcceptURL, o.AcceptURL)
		fill(&out[i].Location, o.Location)
		if out[i].MutualConnections == nil {
			out[i].MutualConnections = o.MutualConnections
		}
		if !htmlFirst {
			// HTML is the better source for these two.
			if o.Location != "" {
				out[i].Location = o.Location
			}
			if o.MutualConnections != nil {
				out[i].MutualConnections = o.MutualConnections
			}
		}
	}
	return out
}

func matchInvitation(inv Invitation, i int, others []Invitation, sameCount bool) int {
	if inv.InvitationID != "" {
		for j, o := range others {
			if o.InvitationID == inv.InvitationID {
				return j
			}
		}
	}
	if sameCount {
		return i
	}
	return -1
}

// finish fills the derived fields of an invitation.
func finish(inv *Invitation, ctx *msgContext, single bool) {
	inv.Name = strings.Trim(inv.Name, " ,:")
	if ctx.fromName != "" && sameName(inv.Name, ctx.fromName) && inv.Name == strings.ToUpper(inv.Name) {
		// "FOO BAR" in the card, "Foo Bar" in the From field.
		inv.Name = ctx.fromName
	}
	if single && ctx.fromName != "" && len(ctx.fromName) > len(inv.Name) && hasWordPrefix(ctx.fromName, inv.Name) {
		// "Confirm that you know Rory" or "- Rory" give the first name
		// only; the sender of a single invitation is the inviter.
		inv.Name = ctx.fromName
	}
	inv.FirstName = firstName(inv.Name)
	if single && ctx.preFirst != "" && hasWordPrefix(inv.Name, ctx.preFirst) {
		inv.FirstName = ctx.preFirst
	}
	inv.Title, inv.Company = splitHeadline(inv.Headline)
	if single && ctx.preTitle != "" && (inv.Title == "" || strings.HasSuffix(inv.Headline, "…") || strings.HasSuffix(inv.Headline, "...")) &&
		(ctx.preFirst == "" || hasWordPrefix(inv.Name, ctx.preFirst)) {
		inv.Title, inv.Company = ctx.preTitle, ctx.preCompany
	}
	inv.DefaultNote = isDefaultNote(inv.Note)
	inv.Reminder = ctx.reminder
}

// honorifics are skipped when taking the first name.
var honorifics = map[string]bool{
	"dr": true, "dr.": true, "mr": true, "mr.": true, "mrs": true, "mrs.": true,
	"ms": true, "ms.": true, "miss": true, "prof": true, "prof.": true, "sir": true,
	"dott.": true, "dott": true, "dott.ssa": true, "ing.": true, "avv.": true,
	"m.": true, "mme": true, "herr": true, "frau": true, "sr.": true, "sra.": true,
}

// firstName returns the first word of a name, skipping honorifics.
func firstName(name string) string {
	for _, f := range strings.Fields(name) {
		if honorifics[strings.ToLower(f)] {
			continue
		}
		return strings.Trim(f, ",")
	}
	return ""
}

func hasWordPrefix(s, prefix string) bool {
	s, prefix = strings.ToLower(normalize(s)), strings.ToLower(normalize(prefix))
	if prefix == "" || !strings.HasPrefix(s, prefix) {
		return false
	}
	return len(s) == len(prefix) || s[len(prefix)] == ' '
}

// roleWords mark the job-title half of a "Title | Company" headline.
var roleWords = lazyRegexp(`(?i)\b(?:engineer|engineering|developer|manager|director|founder|co-?founder|ceo|cto|cfo|coo|cio|cmo|vp|vice president|president|head|lead|consultant|recruiter|architect|analyst|designer|specialist|officer|partner|owner|scientist|researcher|professor|student|intern|associate|advis[oe]r|executive|administrator|coordinator|programmer|attorney|lawyer|accountant|principal|chair(?:man|woman)?|editor|writer|nurse|physician|technician|representative|strategist|evangelist|product|sales|marketing|ingegnere|direttore|responsabile|sviluppatore|gérant|directeur|ingénieur|leiter|geschäftsführer|entwickler|gerente|director[a]?|desarrollador|diretor)\b`)

// splitHeadline splits "Title at Company" (also "@", "from" and localised
// separators). "Title | Company" is split only when it is unambiguous: two
// parts, the first naming a role and the second not. A company cut short
// by LinkedIn's "…" is left empty rather than guessed.
func splitHeadline(h string) (title, company string) {
	if h == "" {
		return "", ""
	}
	segs := splitSegments(h, []string{" | ", " · ", " • ", " - ", " – ", " — "})
	lows := make([]string, len(segs))
	for i, seg := range segs {
		lows[i] = strings.ToLower(seg)
	}
	for _, pass := range []bool{false, true} { // "from" only when nothing else fits
		for k, seg := range segs {
			for _, sep := range phrases().companySeparators {
				if (sep == " from ") != pass {
					continue
				}
				// An index into the lower-case text, used on seg as
				// it always was.
				i := strings.Index(lows[k], sep)
				if sep == "@" {
					// "CTO@Acme", not an e-mail address.
					if i <= 0 || i+1 >= len(seg) || strings.Contains(seg[i+1:], ".") || seg[i-1] == ' ' {
						continue
					}
				}
				if i <= 0 {
					continue
				}
				t := strings.TrimSpace(seg[:i])
				c := strings.TrimSpace(seg[i+len(sep):])
				if t == "" || c == "" {
					continue
				}
				return t, cleanCompany(c)
			}
		}
	}
	if parts := strings.Split(h, " | "); len(parts) == 2 {
		t, c := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
		if roleWords().MatchString(t) && !roleWords().MatchString(c) && len(strings.Fields(c)) <= 5 && nameLike(c) {
			return t, cleanCompany(c)
		}
	}
	return "", ""
}

// nameLike reports whether s reads like an organisation's name rather than
// a tagline or a list of skills after a "|": no commas, and no long word
// in lower case ("Hooli", "Bank of America", but not "Go, Kafka, Postgres"
// or "Building tools for bookshops").
func nameLike(s string) bool {
	if s == "" || strings.ContainsAny(s, ",;") {
		return false
	}
	for i, w := range strings.Fields(s) {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) && (i == 0 || utf8.RuneCountInString(w) >= 4) {
			return false
		}
	}
	return true
}

func cleanCompany(c string) string {
	if strings.HasSuffix(c, "…") || strings.HasSuffix(c, "...") {
		return ""
	}
	return strings.TrimRight(c, " ,;.")
}
