package policy

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/triagehq/triage/internal/inbox"
)

// The note classifier weighs evidence of four kinds, each found by a set of
// weighted features:
//
//   - offer: the sender offers their own product or service (links, "we help
//     companies like yours", "our platform", "book a demo", "grow your
//     revenue", discounts, investment schemes);
//   - ask: the sender asks about the recipient's own work (questions about
//     "your team" or "your approach", requests to quote, include, review or
//     interview);
//   - reference: the note names something specific to the recipient (a post,
//     talk or event, a person who suggested the contact, a shared school or
//     employer, the recipient's companies or topics from [me], named
//     entities, dates);
//   - vague: phrases that could be sent to anyone ("expand my network",
//     "impressed by your profile", "like-minded professionals").
//
// A note whose offers outweigh its questions about the recipient's work is
// a pitch, even when it is dressed up with the recipient's company name; a
// note with enough specific evidence that outweighs its vagueness is
// personalised; a weaker offer with nothing specific is still a pitch;
// everything else is generic.

type evidenceKind int

const (
	offer evidenceKind = iota
	ask
	reference
	vague
)

// offerRole says what part of a sales approach an offer feature is: the
// sender's own product or service described, or a call to action.
type offerRole int

const (
	roleOther offerRole = iota
	roleProduct
	roleCTA
)

type noteFeature struct {
	kind   evidenceKind
	weight float64
	re     *regexp.Regexp
	role   offerRole
	// weak marks a reference that pitches share with real notes (the
	// recipient's employer named through "your team at").
	weak bool
	// lead holds lower-case literals one of which every match contains;
	// when none occurs in the note the regexp is not run. Nil: always run.
	lead []string
	// unless, if not nil, drops a match text[start:end] that its context
	// shows is not this evidence ("so I don't miss the next one" is no
	// deadline). It sees the whole text, so it can look before and after
	// the match, which the regexps cannot.
	unless func(text string, start, end int) bool
}

// f compiles a feature; patterns are case-insensitive unless they start
// with "(?-i)".
func f(kind evidenceKind, weight float64, pattern string) noteFeature {
	if !strings.HasPrefix(pattern, "(?-i)") {
		pattern = "(?i)" + pattern
	}
	ft := noteFeature{kind: kind, weight: weight, re: regexp.MustCompile(pattern)}
	if tree, err := syntax.Parse(pattern, syntax.Perl); err == nil {
		if lits, ok := requiredLiterals(tree); ok {
			ft.lead = lits
		}
	}
	return ft
}

// product marks an offer feature as the sender describing their own
// product or service; cta marks it as a call to action.
func (ft noteFeature) product() noteFeature { ft.role = roleProduct; return ft }
func (ft noteFeature) cta() noteFeature     { ft.role = roleCTA; return ft }

// weakened marks a reference feature as weak evidence (see noteScore.weakRef).
func (ft noteFeature) weakened() noteFeature { ft.weak = true; return ft }

// except sets the feature's unless.
func (ft noteFeature) except(unless func(text string, start, end int) bool) noteFeature {
	ft.unless = unless
	return ft
}

// dropped reports whether the match text[start:end] of ft is not evidence.
func (ft *noteFeature) dropped(text string, start, end int) bool {
	return (ft.kind == offer && isSelfReportSlow(text[start:end])) || (ft.unless != nil && ft.unless(text, start, end))
}

// requiredLiterals returns lower-case literals one of which every match
// of re contains: the most selective set among the parts a match cannot
// skip.
func requiredLiterals(re *syntax.Regexp) (lits []string, ok bool) {
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
		return nil, false
	case syntax.OpConcat:
		best := -1
		for _, sub := range re.Sub {
			l, ok := requiredLiterals(sub)
			if !ok {
				continue
			}
			if m := minLen(l); m > best {
				best, lits = m, l
			}
		}
		return lits, best >= 0
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			l, ok := requiredLiterals(sub)
			if !ok {
				return nil, false
			}
			lits = append(lits, l...)
		}
		return lits, true
	}
	return leadLiterals(re)
}

func minLen(xs []string) int {
	m := -1
	for _, x := range xs {
		if m < 0 || len(x) < m {
			m = len(x)
		}
	}
	return m
}

// leadLiterals returns lower-case literals one of which every match of re
// starts with (after empty-width assertions), or ok = false when re can
// start otherwise.
func leadLiterals(re *syntax.Regexp) (lits []string, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}, true
	case syntax.OpCapture:
		return leadLiterals(re.Sub[0])
	case syntax.OpPlus:
		return leadLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return leadLiterals(re.Sub[0])
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			switch sub.Op {
			case syntax.OpWordBoundary, syntax.OpBeginLine, syntax.OpBeginText, syntax.OpEmptyMatch:
				continue
			}
			return leadLiterals(sub)
		}
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			l, ok := leadLiterals(sub)
			if !ok {
				return nil, false
			}
			lits = append(lits, l...)
		}
		return lits, true
	case syntax.OpCharClass:
		// Small classes such as [$£€] or \d: each rune is a literal.
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 30 || len(lits) > 60 {
				return nil, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				lits = append(lits, strings.ToLower(string(r)))
			}
		}
		return lits, len(lits) > 0
	}
	return nil, false
}

// mayMatch reports whether the feature's regexp can match lower, the
// lower-cased note.
func (ft *noteFeature) mayMatch(lower string) bool {
	if ft.lead == nil {
		return true
	}
	for _, l := range ft.lead {
		if strings.Contains(lower, l) {
			return true
		}
	}
	return false
}

const (
	contentWords = `post|posts|article|blog|blog post|talk|presentation|keynote|paper|podcast|episode|webinar|session|panel|thread|comment|comments|newsletter|book|video|workshop|course|repo|repository|library|project|pr|pull request|issue|commit|write-?up|series|slides|thesis|research|tweet|toot|answer|cfp|interview|chapter|report|study|demo|dissertation|tutorial|screencast`
	audience     = `companies|businesses|brands|founders|coaches|startups|start-ups|scale-?ups|fintechs|smes|enterprises|retailers|teams|professionals|leaders|agencies|entrepreneurs|organi[sz]ations|firms|executives|ctos|ceos|owners|engineers|developers|people|clients|recruiters|marketers`
	weekdays     = `monday|tuesday|wednesday|thursday|friday|saturday|sunday`
	months       = `january|february|march|april|june|july|august|september|october|november|december`
)

var noteFeatures = sync.OnceValue(func() []noteFeature {
	return []noteFeature{
		// Offers of the sender's product or service.
		f(offer, 3, `https?://\S+|\bwww\.\S+|\b[a-z0-9-]+\.(com|io|ai|co|net|org|dev|app|biz|info|co\.uk|xyz)(/\S*)?\b|\bcalendly\b|\bbit\.ly\b|\blinktr\.ee\b`).cta().except(employerDomain),
		f(offer, 2, `\bwe\s+(help|helped|enable|empower|work with|partner with|provide|offer|specialise in|specialize in|generate|deliver)\b`).product(),
		f(offer, 2.5, `\bwe('ve| have)\s+(helped|worked with|built|developed|launched|created)\b`).product(),
		f(offer, 2.5, `\bI('ve| have)?\s+help(ed)?\s+(\w+[\s-]+){0,4}(to\s+)?(get|land|grow|scale|build|increase|generate|achieve|step|make|find|reach|double|triple|save|reduce|win|close|attract|turn|create|become|plan|earn|boost|hire)\b`).product(),
		f(offer, 2, `\bhelping\s+(\w+\s+){0,2}(`+audience+`)\b`).product(),
		f(offer, 2, `\b(companies|businesses|teams|brands|firms|organi[sz]ations|people|clients)\s+(like|such as)\s+(yours|you)\b`).product(),
		f(offer, 1, `\b(leaders|professionals|people|executives|founders|engineers)\s+like\s+you\b`),
		f(offer, 2, `\b(our|my)\s+(\w+[\s-]+){0,2}(platform|solution|solutions|software|product|tool|app|services?|agency|portfolio|offer|offering|clients|customers|program|programme|coaching|consultancy|rates|pricing|saas|crm|playbook|masterclass|bootcamp|community|token|coin)\b`).product(),
		f(offer, 2, `\bwe('re| are)\s+(a|an)\s+(\w+[\s-]+){0,3}(agency|firm|company|consultancy|studio|shop|provider|vendor|partner|startup|platform)\b`).product(),
		f(offer, 1.5, `\b(book|schedule|grab|set up|hop on|jump on|arrange)\s+(a|an|your|some|\d+)?\s*(\w+[\s-]+){0,2}(demo|call|meeting|slot|session|chat|minutes|time in your calendar)\b`).cta(),
		f(offer, 1, `\b\d+[\s-]?(min|mins|minute|minutes|minuten|minutos|minuti)\b`).cta(),
		f(offer, 2, `\b(free[\s-]+(\w+[\s-]+){0,2}(trial|consultation|audit|assessment|strategy|session|discovery|call|playbook|guide|e-?book|webinar|masterclass|training|report|demo|quote|sample)|for free|free of charge|discount|\d+\s?%\s+off|promo|coupon|special offer|exclusive offer|limited[\s-]time|no obligation|no upfront|risk[\s-]free|guaranteed?|money[\s-]back)\b`).cta(),
		f(offer, 2, `\bdemo\b|\bdémo\b`).cta(),
		f(offer, 2.5, `\b(grow|scale|boost|increase|double|triple|10x|skyrocket|maximi[sz]e|improve)\s+(your\s+)?(\w+\s+)?(business|revenue|sales|leads|pipeline|brand|profits?|income|roi|conversions?|clients|customers|visibility|reach|followers|bottom line)\b`),
		f(offer, 2, `\b(more|qualified|b2b|generate|generating)\s+(\w+\s+)?(leads|clients|customers|appointments|sales|meetings|deals)\b|\blead\s+gen(eration)?\b`),
		f(offer, 2, `\b(I'?d\s+love\s+to|let\s+me|happy\s+to|can|could)\s+show\s+you\b|\bshow(ing)?\s+(you\s+)?how\b|\bhow\s+(I|we)\s+can\s+help\b`).cta(),
		f(offer, 1.5, `\b(send|share|give)\s+(you\s+|over\s+)?(a\s+|some\s+|our\s+|my\s+|\d+\s+)?(\w+[\s-]+)?(case stud(y|ies)|deck|brochure|proposal|video|portfolio|details|info|information|pricing|price list|posts)\b`).cta(),
		// A price names something the sender sells.
		f(offer, 1.5, `[$£€]\s?\d|\b\d+\s?k\+|\b\d+\s?(usd|eur|gbp|dollars|euros|pounds)\b|\bper\s+(hour|month|week|day|annum)\b|/(hour|hr|month|mo)\b`).product(),
		f(offer, 2, `\b(cut|reduce|increase|boost|improve|save|lower|raise|grow|slash)\w*\b[^.?!]{0,40}?\bby\s+\d+\s?%|\b\d+\s?x\s+(faster|more|better|cheaper)\b|\b10x\b`),
		f(offer, 3, `\b(crypto|bitcoin|btc|forex|binary options|defi|token (sale|launch)|nft|passive income|financial freedom|investment opportunity|investment|investors?|lucrative|returns? of|whitelist|airdrop|trading (signals|platform|account)|work(ing)? from home|business opportunity|earn\s+[$£€]?\d)\b`),
		f(offer, 1, `\b(are you interested|if you('re| are) interested|let me know if (you('re| are) )?interested|worth a (chat|call|conversation|look)|would you be open to|are you open to|open to (hearing|learning|exploring)|learn more|would you like me to)\b|\binterested\s*\?`).cta(),
		f(offer, 1, `\b(good|best|convenient)\s+time\s+to\s+(chat|talk|connect|speak|call|meet)\b`).cta(),
		f(offer, 2, `\b(outsourc\w*|offshore|nearshore|white[\s-]label|dedicated (developers|team|engineers)|staff augmentation|dev shop|development services|seo|ppc|web design|ghostwrit\w*|appointment setting|cold (email|outreach)|top talent|business owners)\b`).product(),
		// A staffing business, unless the sender speaks of their past ("I
		// used to work at a recruitment agency").
		f(offer, 2, `\b((recruitment|recruiting|staffing|talent|placement)\s+(agency|agencies|firm|consultancy)|help\s+(you\s+)?fill\s+(them|those|these|your\s+(\w+\s+)?(roles|positions|openings|vacancies|seats)|(\w+\s+)?(roles|positions|openings|vacancies)))\b`).product().except(inPastClause),
		f(offer, 1.5, `\b(dm|message|text|inbox|whatsapp)\s+me\b|\breply\s+("?[A-Z]+"?|to claim|now)\b|\b(telegram|whatsapp)\b|\bfor busy\b`).cta(),
		f(offer, 1.5, `\b((are|would|could|might)\s+you(\s+be)?\s+the\s+(right|best)\s+(person|contact)|who('s|\s+is|\s+would\s+be)\s+the\s+(right|best)\s+(person|contact)|are you looking (to|for)|is your (website|business|team|company)\b|quick (question|one)\b)`),
		f(offer, 2, `\b(secure|claim|reserve|book)\s+your\s+(\w+\s+)?(spot|seat|place|slot|session)\b`).cta(),
		// Seats running out, and one reserved for the reader: vendors'
		// events, but meetups say it too, so alone they are no pitch.
		f(offer, 1, `\b(seats|spots|places|spaces)\s+(are\s+)?(limited|filling\s+(up\s+)?fast|going fast)\b|\blimited\s+(seats|spots|places|spaces)\b`),
		f(offer, 1, `\b(reserve|book)\s+(one|a\s+(seat|spot|place|ticket))\s+for\s+you\b|\b(reserve|book)\s+you\s+a\s+(seat|spot|place|ticket)\b`).cta(),
		// The sender's own product, service or business in the other
		// languages: "our platform", "our consultancy", "our offer".
		f(offer, 2.5, `\b(unser(e|er|en|em|es)?\s+(\S+\s+)?(Lösung|Lösungen|Plattform|Software|Agentur|Beratung|Dienstleistung\w*|Angebot|Produkt|Produkte)|wir helfen|nuestr[ao]s?\s+(\S+\s+)?(solución|soluciones|plataforma|servicios?|agencia|producto|productos|consultora|consultoría|oferta)|ayudamos a|(notre|nos)\s+(\S+\s+)?(solution|solutions|plateforme|agence|offre|offres|logiciel|produit|produits|cabinet|prestations?)|nous aidons|(la\s+|il\s+|i\s+)?nostr[aoie]\s+(\S+\s+)?(soluzione|soluzioni|piattaforma|agenzia|offerta|prodotto|prodotti|software house|società di consulenza)|aiutiamo|(a\s+|o\s+)?noss[ao]s?\s+(\S+\s+)?(solução|soluções|plataforma|agência|consultora|consultoria|produto|produtos|oferta|software house)|ajudamos|(ons|onze)\s+(\S+\s+)?(bureau|oplossing|oplossingen|product|producten|dienstverlening|aanbod|consultancy))\b`).product().except(dutchPlace),
		// "Our agency helps", "our team can" in the other languages: the
		// sender's business as the subject of what it sells.
		f(offer, 2, `\b(notre|nos)\s+(\S+\s+){0,2}?(cabinet|agence|société|entreprise|experts|studio|consultants)\s+(aide|aident|accompagne|accompagnent|propose|proposent|fournit|fournissent|offre|offrent|peut|peuvent|livre|livrent)\b|\bunser\w*\s+(\S+\s+){0,2}?(Agentur|Firma|Unternehmen|Beratung|Experten|Studio)\s+(hilft|helfen|unterstützt|unterstützen|bietet|bieten|liefert|liefern|kann|können|begleitet|vermittelt)\b|\bnuestr[ao]s?\s+(\S+\s+){0,2}?(empresa|agencia|consultora|firma|expertos|estudio)\s+(ayuda|ayudan|ofrece|ofrecen|proporciona|proporcionan|brinda|brindan|acompaña|puede|pueden)\b|\bnoss[ao]s?\s+(\S+\s+){0,2}?(empresa|agência|consultora|consultoria|especialistas)\s+(ajuda|ajudam|oferece|oferecem|fornece|fornecem|acompanha|pode|podem)\b|\bnostr[aoie]\s+(\S+\s+){0,2}?(azienda|agenzia|società|esperti)\s+((aiuta|aiutano|offre|offrono|fornisce|forniscono|supporta|possono)\b|può)|\b(ons|onze)\s+(\S+\s+){0,2}?(bureau|bedrijf|experts|organisatie)\s+(helpt|helpen|biedt|bieden|levert|leveren|ondersteunt|kan|kunnen)\b`).product(),
		// Supplying people: developers, contractors, profiles.
		f(offer, 2, `\b(supply|supplies|supplying|placing|levert|leveren|liefern|liefert|vermitteln|vermittelt|fournit|fournissons|fournissent|proporcionamos|ofrecemos|forniamo|fornisce|forniscono|fornecemos|fornece|oferecemos)\s+(\S+\s+){0,4}?(\S+-)?(contractors|developers|engineers|freelancers?|consultants|candidates|ontwikkelaars|Entwickler\w*|Fachkräfte|développeurs|ingénieurs|profils|desarrolladores|ingenieros|perfiles|sviluppatori|ingegneri|profili|desenvolvedores|engenheiros|perfis|programmeurs|programadores|programmatori)\b|\bvous\s+présenter\s+(des|nos|quelques|plusieurs)\s+(\S+\s+)?(profils|développeurs|candidats|consultants|ingénieurs|freelances)\b`).product(),
		f(offer, 1, `\bleads\b`),
		// The sender describing a service they sell, in general terms.
		f(offer, 1.5, `\b(I|we)('m| am|'re| are)\s+(a|an)\s+(\w+[\s-]+){0,3}(coach|consultant|adviser|advisor|marketer|agency|freelancer|broker|realtor|agent|copywriter|ghostwriter|trainer|mentor)\b|\bI\s+run\s+(a|an)\s+(\w+[\s-]+){0,3}(agency|firm|consultancy|business|studio|company|shop)\b|\bje suis\s+(\w+\s+)?(consultant|coach|conseiller)\b|\bsoy\s+(\w+\s+)?(consultor|coach|asesor)\b|\bj'accompagne\b`).product(),
		f(offer, 1.5, `\b(I|we|I'd|we'd|I'm|we're|I've|we've|happy|able|can)\s+(\w+\s+){0,2}(offer|offers|offering|provide|providing|present|put together|deliver|supply|sell|source)\b|\b(our|my)\s+(\w+\s+){0,2}(company|team|experts|firm|agency)\s+(offers?|provides?|delivers?|builds?|can)\b`).product(),
		f(offer, 1, `\b(price|prices|pricing|cost|costs|wholesale|affordable|cheap|complimentary|premium|catalogue|catalog|showroom|early bird|membership|accelerator|mastermind|drop-in replacement|pre-vet\w*|followers|upvote|chiffre d'affaires|pme)\b`),
		f(offer, 2, `\b(half|fraction of)\s+the\s+(cost|price)\b|\b\d+\s+out\s+of\s+\d+\b|\bwithin\s+\d+\s+(hours|days|weeks)\b|\b\d[\d,.]*\+\s+\w+|\b\d+\s?x\s+(growth|revenue|roi|leads)\b`),
		f(offer, 1.5, `\b(are you (struggling|tired|spending|losing|still)|struggl\w+ (to|with)|tired of|overpay\w*|pain points?|(feel|feels|feeling|felt)\s+(stuck|overwhelmed|burnt out|burned out))\b`),
		f(offer, 1.5, `\b(spots? left|ends (today|tomorrow|friday|monday|soon)|last chance|only \d+ (spots|places|seats)|today only|act now|don'?t miss)\b`).except(notImperative),
		f(offer, 1.5, `\b(losing|wasting)\s+(thousands|millions|money|hours|customers|revenue|deals)\b|\b(your\s+\w+|they|you)\s+(would|will)\s+love\b|\bwe\s+have\s+(a|an)\s+(new\s+)?\w+\s+(that|which)\b|\b(happy|glad)\s+to\s+(send|share|give|set you up)\b|\b(should|can|shall|may)\s+I\s+send\b|\b(high[\s-]yield|family office|confidential information|seeking partners|joint venture)\b`).except(sendsOwnWork),
		f(offer, 1, `\b(want (the|more) details|want to see (it|how)|see it in action|fancy a|let'?s talk\b|shall we|request a|visit our|link in (my|the) (profile|bio)|contact us)\b|\bfree\b`).cta(),
		// The sender as a service provider to a class of people ("I help tech
		// leaders ...", "we partner with Staff+ engineers ..."), whatever the
		// verb that follows.
		f(offer, 2.5, `\b(I|we)\s+(\w+ly\s+)?(help|helps|partner with|empower|enable)\s+(\S+\s+){0,2}?(`+audience+`|candidates|individuals|women|men|students|graduates|job seekers)\b|\bwe\s+(\w+ly\s+)?(helped|partnered with)\b`).product(),
		// Imperative calls to action pointing at the sender's own things.
		f(offer, 2, `\b(check out|take a look at|have a look at|sign up|subscribe to|download|register for|try)\s+(my|our)\s+(\w+[\s-]+){0,2}?(book|course|product|app|tool|podcast|channel|newsletter|website|site|page|platform|offer|program|programme|community|event|webinar|launch|service)\b|\b(register|sign up|apply|join|book|enrol|enroll|download it)\s+(here|now|today|below)\b|\b(try it|try us)\b`).cta(),
		// Giving something away to start a relationship, or supply on demand.
		f(offer, 1.5, `\b(first|initial|intro(ductory)?)\s+(\w+\s+)?(consultation|session|call|month|audit|lesson|class|week)\s+(is\s+)?(on (me|us|the house)|free)\b|\bno\s+(\w+\s+)?(fees?|charges?|commitment|obligation)\b|\bat no (cost|charge)\b`).cta(),
		f(offer, 2, `\b(we have|we've got|our)\s+(\S+\s+){0,2}?(developers|engineers|talent|candidates|consultants|designers|experts|specialists|freelancers|programmers)\b[^.!?]{0,40}\b(available|ready|on hand|on demand|on call)\b`).product(),
		f(offer, 1.5, `\bworth\s+(a\s+)?(\w+\s+)?(chat|call|conversation|look|exploring|discussing|a try|talking|your time)\b|\b(do|achieve|deliver|get|did)\s+(the same|similar (results|numbers))\s+for\b`).cta(),
		f(offer, 1.5, `\b(software house|dev shop|development shop|agency|consultancy|vendor|reseller)\b[^.!?]{0,60}\b(rates|prices|pricing|competitive|affordable|budget|cost)\b`).product(),
		// The sender's business serving a class of clients ("we've been working
		// with a few analytics firms", "I work with technical leaders who feel
		// stuck"): a service described by whom it is for.
		f(offer, 2.5, `\bwe('ve| have)?\s+(been\s+)?(working|partnering|worked|partnered)\s+with\s+(\S+\s+){0,3}?(`+audience+`)\b`).product(),
		f(offer, 2.5, `\b(I|we)\s+(\w+ly\s+)?(work with|coach|support|guide)\s+(\S+\s+){0,2}?(`+audience+`|candidates|individuals|women|men|students|graduates)\s+(who|that|to|through)\b`).product(),
		// A product the sender made, described by what it does, and the
		// vocabulary products are sold with.
		f(offer, 2, `\b(we|I)\s+(just\s+)?(built|developed|launched|created|made|build|make|are building|'re building)\s+(a|an)\s+(\S+\s+){0,3}?(that|which)\s+(\w+s|can|will|cuts|does)\b`).product(),
		f(offer, 1.5, `\b(out of the box|turn-?key|plug[\s-]and[\s-]play|off[\s-]the[\s-]shelf|fully[\s-]managed|managed\s+(service|platform|solution|offering|version)|no-code|low-code|white-glove)\b`).product(),
		// Offers to get the reader started on the product.
		f(offer, 1.5, `\b(set you up|get you (set up|started|onboarded)|early access|beta access|trial\s+(account|period|licen[cs]e|version|run)|\d+[\s-](day|week|month)\s+trial|(would|could|might)\s+it\s+be\s+(useful|helpful|valuable|of interest|worth it)\s+if\s+(I|we))\b`).cta(),
		// A startup recruiting its first customers.
		f(offer, 2.5, `\b(design partners?|early adopters|beta\s+(users|testers|customers)|pilot\s+(customers|partners|users|programme|program)|onboarding\s+(\S+\s+){0,3}?(partners|customers|clients|users))\b`).product(),
		f(offer, 1, `\b(closed|raised|announced)\s+(our|a|the)\s+(\S+\s+){0,2}?(round|funding)\b`),
		f(offer, 1, `\b(natural|perfect|great|good|ideal|obvious)\s+fit\b`).cta(),
		// Business "opportunities": multi-level marketing and side incomes.
		f(offer, 2.5, `\b(be your own boss|work from anywhere|side\s+(hustle|income|gig|business)|on the side of your|9[\s-]to[\s-]5|extra income|residual income|time freedom|set your own hours|fast[\s-]growing\s+(\w+\s+){0,2}?(business|brand)|motivated (people|individuals))\b`).product(),
		f(offer, 1, `\bjoin my team\b`),
		// "We offer" in the other languages.
		f(offer, 2, `\b(oferujemy|pomagamy|ofrecemos|offriamo|oferecemos|nous proposons|wir bieten|bieten wir|wij bieden|bieden wij|we bieden|nous fournissons|wir liefern|liefern wir|wij leveren|we leveren|leveren wij|forniamo|fornecemos|proporcionamos|suministramos)\b`).product(),
		// "Within N days" in the other languages. It weighs less than
		// English "within" above: alone it would make a pitch of "I move to
		// Leeds within 2 weeks"; beside a product it adds up.
		f(offer, 1, `\b(sous|en moins de)\s+\d+\s+(heures|jours|semaines)\b|\b(innerhalb|binnen)\s+(von\s+)?\d+\s+(Stunden|Tagen|Wochen|Werktagen)\b|\b(en menos de|en un plazo de)\s+\d+\s+(horas|días|semanas)|\b(em até|em menos de|no prazo de)\s+\d+\s+(horas|dias|semanas)\b|\b(entro|in meno di)\s+\d+\s+(ore|giorni|settimane)\b|\bbinnen\s+\d+\s+(uur|dagen|weken|werkdagen)\b`),
		// "Send you a proposal" in the other languages, in both word orders.
		f(offer, 1.5, `\b(vous\s+|te\s+|t')(envoyer|transmettre|faire parvenir|adresser|présenter)\s+(une|un|notre|nos|quelques)\s+(\S+\s+)?(proposition|offre|devis|présentation|brochure|plaquette|tarifs|profils|références)\b|\b(Ihnen|dir|euch)\s+(gerne\s+)?(unser\w*|ein\w*|einige)\s+(\S+\s+)?(Angebot|Vorschlag|Präsentation|Unterlagen|Preisliste|Broschüre|Profile|Referenzen)\s+(zu\s+)?(schicken|senden|zusenden|zukommen|vorstellen|übermitteln)\b|\b(schicke|sende|schicken|senden)\s+(ich\s+|wir\s+)?(Ihnen|dir)\s+(gerne\s+)?(unser\w*|ein\w*|einige)\s+(\S+\s+)?(Angebot|Vorschlag|Präsentation|Unterlagen|Preisliste|Broschüre|Profile)\b|\b((te|le|les)\s+(envío|envio|mando|paso|puedo enviar|podemos enviar)|(enviar|mandar|presentar|compartir|pasar)(te|le|les))\s+(una|un|nuestra|nuestro|nuestros|algunos|unos)\s+(\S+\s+)?(propuesta|presentación|oferta|presupuesto|perfiles|catálogo|portafolio|dossier)|\b((lhe|te)\s+(envio|mando|posso enviar|podemos enviar)|(enviar|mandar|apresentar|partilhar|compartilhar)(-lhe|-te|lhe|te)?)\s+(uma|um|a nossa|o nosso|nossa|nosso|alguns)\s+(\S+\s+)?(proposta|apresentação|oferta|orçamento|perfis|portfólio|catálogo)|\b((ti|le|vi)\s+(invio|mando|posso inviare|possiamo inviare)|(inviar|mandar|presentar|condivider)(ti|le|vi))\s+(una|un|la nostra|il nostro|alcuni)\s+(\S+\s+)?(proposta|presentazione|offerta|preventivo|profili|portfolio|catalogo|brochure)\b|\b(u|je|jou|jullie)\s+(graag\s+)?(een|ons|onze|wat)\s+(\S+\s+)?(voorstel|offerte|presentatie|brochure|profielen|portfolio|prijslijst)\s+(toe\s*)?(te\s+)?(sturen|mailen|zenden|presenteren)\b|\b(stuur|mail)\s+(ik\s+)?(u|je)\s+(graag\s+)?(een|ons|onze)\s+(\S+\s+)?(voorstel|offerte|presentatie|brochure|profielen|prijslijst)\b`).cta(),
		// The same families in the other languages LinkedIn notes come in.
		f(offer, 2.5, `\b(wir unterstützen|unterstützen wir|wir begleiten|wij helpen|we helpen|helpen wij|wij ondersteunen|nous accompagnons|nous aidons|apoyamos|acompañamos|supportiamo|accompagniamo|apoiamos|ajudamos)\b`).product(),
		f(offer, 2, `\b(empresas|compañías|negocios|entreprises|sociétés|Unternehmen|Firmen|aziende|imprese|bedrijven|organisaties|organizaciones)\s+(como|comme|wie|come|zoals)\b`).product(),
		f(offer, 2, `\b(somos|nous sommes|wir sind|siamo|wij zijn|we zijn)\s+(un|una|uma|um|une|ein|eine|een|un')\s*(\S+\s+){0,2}?(agencia|agência|agence|Agentur|agenzia|bureau|empresa|entreprise|société|Firma|Unternehmen|azienda|software house|consultora|consultoria|cabinet|studio|startup|bedrijf|fornitore|proveedor|fornecedor|Anbieter|leverancier)\b`).product(),
		f(offer, 1.5, `\b(llamada|videollamada|reunión|appel|visio|échange|Gespräch|Telefonat|chiamata|call|ligação|reunião|conversa|gesprek|kennismaking|belletje)\s+(rápida|breve|corta|rapide|veloce|curta|kort)\b|\b(kurzes|kurze|kurzen|court|petit|breve|rápida|korte|kort|pequena)\s+(\S+\s+)?(Gespräch|Telefonat|Austausch|échange|appel|chiamata|call|llamada|conversa|gesprek|kennismaking|belletje|reunião|reunión)\b`).cta(),
		f(offer, 1, `\b(precios|prix|Preise[nr]?|prezzi|preços|prijzen|tarifas|tarifs|tariffe|tarieven)\s+(\S+\s+)?(competitiv\w*|compétitifs|wettbewerbsfähig\w*|concorrenciais|accessibles|asequibles|accessibili|scherpe|günstig\w*)\b|\b(competitive|unbeatable|affordable|low)\s+(rates|prices|pricing)\b`),

		// Questions and requests about the recipient's own work.
		f(ask, 3, `\b(include|feature|quote|cite|reference|link to|translate|republish|repost|reuse|use)\s+(\w+\s+){0,1}(your|ur)\s+\w+`),
		// An invitation to attend the sender's own event ("invite you to
		// our roundtable") asks nothing about the recipient's work.
		f(ask, 3, `\b(interview|invite|feature|host)\s+you\s+(on|to|as|for|in|at)\b|\bhave you (on|as)\b`).except(toOwnEvent),
		f(ask, 1.5, `\b(could|can|would|may|might)\s+(you|I|we)\s+(walk|tell|explain|share|ask|pick your brain|talk|chat|learn|swap|compare|run)\b`),
		f(ask, 1.5, `\b(how|why|what|which|where|when)\s+(do|does|did|is|are|was|were|would|have|has)\s+(you|your)\b`),
		f(ask, 1, `\b(how|why|where|when)\s+(you|your)\b`),
		f(ask, 1, `\b(your|ur)\s+(approach|thoughts|perspective|take|opinion|insights?|experience with|experience of|feedback on)\b`),
		f(ask, 1.5, `\b(ask|asking)\s+(you\s+)?(a\s+)?(couple of|few|some|quick|two|three)?\s*questions?\b`),
		f(ask, 1.5, `\b(reviewing|review the|compare notes|swap notes|pick your brain|collaborat\w+ (with you )?on|contribute to|work(ing)? with you on|speak (at|about)|to speak|co-?author|guest lecture)\b`),
		f(ask, 2, `\b(a|an|short|quick|brief)\s+(\d+[\s-]?min(ute)?s?\s+|podcast\s+|research\s+)?interview\b|\bwriting\s+(a|an)\s+(\w+\s+)?(feature|article|piece|book|chapter|story|report|paper)\s+(for|on|about)\b`),
		f(ask, 1, `\b(appreciate|value)\s+(any|your)\s+(advice|perspective|input|thoughts|feedback|opinion)\b`),
		f(ask, 1.5, `\b(votre|ton|ta|tu|su|il tuo|la tua|Ihr|dein|sua|seu)\s+(équipe|equipo|team|squadra|Team|equipe)\b`),

		// Invitations to contribute the recipient's own work: a talk, a paper.
		f(ask, 3, `\b(love|like|want|invite|inviting)\s+(you|to have you|to invite you)\s+to\s+(speak|submit|present|give|talk|contribute|write|review)\b|\bsubmit\s+(a|your)\s+(talk|paper|proposal|abstract|session)\b`),

		// Specific references.
		f(reference, 2.5, `\b(your|ur)\s+(recent\s+|latest\s+|last\s+|great\s+|excellent\s+)?(`+contentWords+`|work on|work at|work with|talk at|presentation at|research on)\b`),
		// The recipient's work named with words in between ("your otel-go
		// instrumentation work on GitHub", "your Go concurrency post"). Not
		// books, courses, newsletters or videos: services to authors name
		// those too ("we can grow your weekly newsletter").
		f(reference, 2.5, `\b(your|ur)\s+([\w'-]+\s+){1,3}?(work\s+(on|at|in|with|for)|post|posts|article|blog post|talk|keynote|paper|podcast|thread|write-?up|series|slides|thesis|research|library|repo|repository|migration|rollout|rewrite|tutorial|screencast|dissertation)\b`),
		// The recipient's work put to use ("we adopted your deploy pipeline
		// templates", "forked your Helm chart").
		f(reference, 2.5, `\b(adopted|use|using|used|forked|starred|installed|deployed|tried|rolled out|migrated to|switched to|built on)\s+your\s+(\S+\s+){0,4}?(library|libraries|templates?|modules?|package|project|repo|repository|framework|sdk|cli|plugin|operator|action|chart|playbook|guide|tutorial|course|fork)\b`),
		// A named episode or talk of the recipient's, praised ("great
		// podcast episode with Jane Doe").
		f(reference, 2.5, `(?-i)\b([Gg]reat|[Ll]oved|[Ee]njoyed|[Bb]rilliant|[Ee]xcellent|[Ff]antastic|[Ii]nteresting|[Yy]our)\s+(\w+\s+)?(podcast|episode|talk|interview|panel|keynote|conversation|chat|session|fireside chat|webinar|livestream|stream)\s+(with|alongside|featuring)\s+[A-Z]\p{Ll}+\s+[A-Z][\p{Ll}'-]+`),
		// The recipient's employer named through their job: pitches use it as
		// a hook as often as colleagues do.
		f(reference, 2.5, `\b(your|ur)\s+(team|experience|role|job|position)\s+(at|with)\b`).weakened(),
		// The sender placing themselves in a team or shared context ("tom
		// from the platform team at ...").
		f(reference, 2, `\bfrom\s+the\s+(\S+\s+){0,2}?team\s+(at|here|in|on)\b`),
		f(reference, 1.5, `\b(programme|program)\s+committee\b|\bcall\s+for\s+(papers|proposals|speakers|talks)\b`),
		f(reference, 2, `\b(saw|seen|read|watched|heard|listened to|enjoyed|loved|liked|attended|followed|found|came across)\s+(\w+\s+){0,2}(your|ur|the|that)\s+(\w+\s+){0,2}(`+contentWords+`)\b`),
		f(reference, 2.5, `\b(we met|met you|meeting you|chatted|chatting|spoke|speaking|talked|talking|sat next to|nice to meet|great to meet|good to meet|nice meeting|great meeting|good meeting|bumped into)\b[^.!?]{0,40}\b(at|during|after)\b`),
		f(reference, 3, `\bwe met\b|\bwe('ve)?\s+(worked|studied|overlapped|spoke|talked|chatted|shared|sat|played|trained|went)\b|\bworked together\b|\boverlapped\b|\b(former|ex-|old)\s?(colleague|classmate|teammate|coworker|co-worker|boss|manager)\b`),
		f(reference, 1, `\b(conference|meetup|meet-up|summit|hackathon|festival|dinner|kubecon|gophercon|fosdem|devoxx|qcon|re:invent|pycon|devopsdays|dîner|cena|abendessen|conférence|conferencia|konferenz)\b`),
		f(reference, 3.5, `(?-i)\b([A-Z]\p{Ll}+\s+[A-Z][\p{Ll}'’-]+)[^.!?]{0,50}\b(suggested|recommended|mentioned|said|told me|introduced|referred|pointed me|thought I|put me in touch)\b`),
		// A named person who says, right after the name, something about
		// the recipient ("Sofia Marques says", "Jan van Dijk tells me"),
		// and a relative or colleague of the sender's who does ("my cousin
		// Ravi mentioned").
		f(reference, 3.5, `(?-i)\b[A-Z]\p{Ll}+(\s+(de|van|von|da|di|del|der|den|du|le|la|dos|das|ten|ter|van der|van den|de la))?\s+[A-Z][\p{Ll}'-]+,?\s+(says|tells me|told me|recommends|suggests|mentions|speaks highly)\b|\b([Mm]y|[Oo]ur)\s+(\w+\s+)?(sister|brother|cousin|friend|colleague|co-worker|coworker|manager|boss|partner|wife|husband|mentor|flatmate|roommate|housemate|teammate|neighbour|neighbor|dad|mum|mom|father|mother|uncle|aunt|son|daughter|ex-colleague)\s+[A-Z]\p{Ll}+(\s+[A-Z][\p{Ll}'-]+)?,?\s+(says|said|suggested|recommended|mentioned|told me|tells me|thinks|thought|introduced|knows you|worked with you|met you|speaks highly)\b`),
		f(reference, 3.5, `(?-i)\b[A-Z][a-z]+\s+(suggested|recommended|mentioned|told me|introduced us|referred me|pointed me|put us in touch)\b`),
		f(reference, 3, `\b(introduced us|suggested (that )?I (reach|get|contact)|recommended (that )?I|mutual (friend|colleague|contact) [A-Z])`),
		// Someone who told the sender about the recipient, in the other
		// languages: "hat mir empfohlen", "m'a conseillé", "me habló de
		// ti", "me indicou", "mi ha detto", "raadde me aan"; and "she
		// says you".
		f(reference, 3, `\b(hat\s+mir\s+(\S+\s+){0,3}?(empfohlen|vorgeschlagen|geraten)|empfahl\s+mir|von\s+(dir|Ihnen|euch)\s+erzählt|erzählte\s+mir\s+von|m'a\s+(\S+\s+)?(parlé de (vous|toi)|dit que|donné (votre|ton) (nom|contact))|me\s+(dijo que|comentó que|pasó tu (contacto|perfil)|dio tu (nombre|contacto))|me\s+(disse que|passou o seu (contato|contacto))|(ele|ela)\s+disse\s+que|mi\s+ha\s+(detto|consigliato|suggerito|parlato|raccomandato|segnalato|indicato)|raadde\s+(me|mij)\s+aan|heeft\s+(me|mij)\s+(\S+\s+){0,3}?(aangeraden|getipt|verteld|doorverwezen)|(vertelde|zei)\s+(me|mij)|tipte\s+(me|mij)|(he|she|they)\s+(says|said|told me|mentioned)\s+(that\s+)?you)\b|\bm'a\s+(\S+\s+)?(conseillé|recommandé|suggéré|orienté)|\bme\s+(habló|ha hablado|hablaron|recomendó|ha recomendado|sugirió|ha sugerido)|\bme\s+(indicou|recomendou|sugeriu|falou\s+(de|sobre|muito bem de)\s+(você|ti))`),
		f(reference, 2.5, `\b(fellow|also|both)\b[^.!?]{0,30}\b(alum|alumni|alumnus|alumna|grad|graduate|student)\b|\b(graduated|studied)\s+(from|at)\b|\bclass of\s+\d{4}\b|\bgrad(uate)?\s+here\b`),
		f(reference, 2.5, `\b(after|before|when|while)\s+you\s+(left|joined|were|led|ran)\b`),
		f(reference, 3, `\bthanks?\s+(you\s+)?for\s+(your|the)\s+(\w+\s+){0,2}?(comment|reply|answer|feedback|review|help|talk|advice|intro|introduction|session|recommendation|recommendations|tip|tips|pointer|pointers|shout-?out|mention)\b|\byou\s+(reviewed|answered|replied|commented|helped|mentored|taught|interviewed|gave)\b`),
		f(reference, 2.5, `\byou\s+(described|mentioned|wrote|shared|posted|presented|explained|led|built|organi[sz]ed|ran)\b`),
		f(reference, 2, `\bas (promised|discussed)\b`),
		// Shared history: the same team, class or project, in the past.
		f(reference, 3, `\b(on|in)\s+the\s+same\s+(team|class|course|cohort|project|floor|squad|programme|program|panel|track)\b|\bused to work\b|\bwhen we (worked|were|studied)\b|\bour (time|days)\s+(together|at|in)\b|\b(we|you and I)\s+(were|used to be)\s+(colleagues|classmates|teammates|coursemates|flatmates|neighbours|neighbors)\b`),
		f(reference, 3, `\b(on s'est (croisés|croisé|vus|parlé|rencontrés)|coincidimos|nos cruzamos|trabajamos juntos|trabalhamos juntos|nos conhecemos|abbiamo lavorato insieme|ci siamo (visti|incontrati|sentiti)|travaillé ensemble|zusammengearbeitet|samengewerkt|elkaar (\w+\s+){0,3}(ontmoet|gesproken))\b`),
		f(reference, 1.5, `\blong time( no see)?\b|\balumni\b|\bthrough\s+(the|our|a)\s+(\w+\s+)?(group|community|slack|forum|club|society|network)\b`),
		f(reference, 2, `\byour name\s+(came up|was mentioned|keeps coming up|comes up)\b`),
		f(reference, 3, `\b(nous nous sommes rencontrés|on s'est rencontrés|je t'ai rencontré|nos conocimos|ci siamo conosciuti|(wir haben uns|haben wir uns)\s+(\S+\s+){0,10}?(kennengelernt|getroffen)|nos vimos|a gente se conheceu)\b`),
		f(reference, 1.5, `\b(remercier|merci pour|gracias por|grazie per|danke für|obrigad[oa] pel[oa])\b`),
		f(reference, 1, `\bcongrat\w*\s+on\s+(the|your)\s+(\w+\s+){0,3}(role|job|promotion|launch|talk|book|funding|raise|paper|award|release)\b`),
		f(reference, 1, `\b(yesterday|last\s+(week|month|year|night|`+weekdays+`)|this (morning|week)|on\s+(`+weekdays+`)|next\s+(week|month|`+weekdays+`)|`+months+`|(in|since|back in|of)\s+(19|20)\d\d|(19|20)\d\d)\b`),
		f(reference, 2.5, `\b(tu|su|tus|sus)\s+(charla|artículo|publicación|post|presentación|ponencia|libro|podcast)\b|\b(votre|ton|ta)\s+(article|publication|conférence|présentation|post|intervention|livre)\b|\b(il tuo|la tua|tuo|tua)\s+(articolo|post|intervento|talk|presentazione|libro)\b|\b(Ihr|Ihre[nmrs]?|dein|deine[nmrs]?)\s+(\S+\s+)?(Beitrag|Artikel|Vortrag|Talk|Post|Buch|Podcast|Workshop|Kurs|Blog|Newsletter|Keynote)\b|\b(je|jouw|uw)\s+(\S+\s+)?(talk|presentatie|artikel|blog|blogpost|boek|podcast|workshop|lezing|cursus|keynote)\b|\b(seu|sua)\s+(artigo|post|palestra|publicação)\b`),

		// Vague phrases that fit anyone.
		f(vague, 3, `\b(expand|grow|build|extend|broaden|widen|increase|strengthen|enlarge)(ing|s)?\s+(my|our)\s+(\w+\s+){0,2}(network|circle|connections)\b`),
		f(vague, 1.5, `\b(I'?d|I\s+would|would|I'?m|I\s+am|happy|glad|love|like|want|wish|looking\s+forward|keen|hope|great|nice|good|pleased|delighted|hono(u)?r|looking)\s+(\w+\s+){0,2}(to\s+)?(connect|connecting)\b`),
		f(vague, 2, `\blet'?s\s+connect\b|\b(add you to|join|be part of|be in)\s+(my|your)\s+(\w+\s+)?(network|connections)\b`),
		f(vague, 2.5, `\b(impressed|impressive|great|interesting|amazing|inspiring|nice|strong|excellent|outstanding|remarkable|wonderful|fantastic)\b[^.!?]{0,25}\b(profile|background|experience|career|journey|achievements)\b`),
		f(vague, 2.5, `\byour\s+(profile|background|experience|career|journey|achievements)\s+(is|are|looks?|seems?)\s+(\w+\s+)?(impressive|inspiring|amazing|great|interesting|remarkable|outstanding|excellent)\b|\byour\s+profile\s+(caught|came up|stood out|popped up|appeared)\b`),
		f(vague, 2, `\b(came across|stumbled upon|found|saw|viewed|noticed|checked)\s+your\s+profile\b`),
		f(vague, 2, `\b(like[\s-]minded|professionals?\s+(like you|in\s+(\w+\s+)?(your|the|my|tech|this)\b)|same (industry|field|space)|similar (interests|field|industry|circles|background)|share (insights|ideas|knowledge)|exchange (ideas|insights|knowledge)|learn from each other|mutually beneficial|beneficial for (both|us)|grow together|stay in touch|keep in touch|future opportunities|potential (synergies|opportunities|collaboration)|synerg\w+|as many (professionals|people))\b`),
		f(vague, 1.5, `\b(admire|love|like|respect|appreciate|enjoy|follow|following)\s+(your|ur)\s+(work|profile|content|posts|journey|career|achievements|experience)\b`),
		f(vague, 2, `\b(exciting|great|new|amazing)\s+opportunit(y|ies)\b[^.!?]{0,30}\b(match|fit|suit|align)`),
		f(vague, 0.5, `\b(hope (this|you|all)|hope you('re| are) (well|doing well))\b`),
		f(vague, 1.5, `\bplease accept\b|\bnetworking\b|\b(worldwide|across the globe|around the world|all over the world)\b|\bfollowing you\b`),
		f(vague, 2, `\b(mein(e|em|en)?\s+(berufliches\s+)?(Netzwerk|Kontakte)|vernetzen|(ampliar|expandir|extender|aumentar)\s+(mi|mis|minha|minhas|a minha)\s+(red|rede|contactos|contatos)|mi red|(élargir|agrandir|développer)\s+mon\s+réseau|mon réseau|(ampliare|allargare|espandere)\s+la\s+mia\s+rete|la mia rete|minha rede|conectar|collegarmi|collegarci|restare in contatto|rimanere in contatto|rester en contact|in Kontakt bleiben)\b`),
	}
})

// ownEvent is what follows "invite you to" when the invitation is to
// attend the sender's own event.
var ownEvent = lazyRegexp(`(?i)^\s+(our|my)\s+(\S+\s+){0,3}?(roundtable|round-table|dinner|breakfast|lunch|drinks|reception|webinar|event|summit|launch|showcase|masterclass|briefing|mixer|happy hour)\b`)

// toOwnEvent reports whether text[start:end], a match of "invite you
// to", invites the reader to attend the sender's own event.
func toOwnEvent(text string, start, end int) bool {
	m := strings.ToLower(text[start:end])
	return strings.HasPrefix(m, "invite") && strings.HasSuffix(m, "to") && ownEvent().MatchString(text[end:])
}

// subjectBefore is a subject pronoun just before a match: "so I don't
// miss" says what the sender will do, not what the reader must.
var subjectBefore = lazyRegexp(`(?i)\b(I|we|I'll|we'll)\s+$`)

// notImperative reports whether text[start:end], a "don't miss", has the
// sender as its subject.
func notImperative(text string, start, end int) bool {
	m := strings.ToLower(text[start:end])
	return strings.HasPrefix(m, "don") && subjectBefore().MatchString(text[:start])
}

// ownWork is what follows "happy to send" when it is a fix, a patch or the
// slides: help with the recipient's work or the sender's notes, not a
// sales document.
var ownWork = lazyRegexp(`(?i)^\s+(you\s+|over\s+)?((a|an|the|my|our|some|this|that)\s+)?(\w+\s+)?(fix|fixes|patch|patches|pr|prs|pull request|pull requests|bug report|repro|reproduction|slides|notes|recording|photos|pictures)\b`)

// sendsOwnWork reports whether text[start:end], a "happy to send", offers
// a fix, a patch or the slides.
func sendsOwnWork(text string, start, end int) bool {
	m := strings.ToLower(text[start:end])
	return (strings.HasPrefix(m, "happy") || strings.HasPrefix(m, "glad")) && ownWork().MatchString(text[end:])
}

// bareDomain is a domain with no scheme, www or path: "bol.com".
var bareDomain = lazyRegexp(`(?i)^[a-z0-9-]+\.(com|io|ai|co|net|org|dev|app|biz|info|co\.uk|xyz)$`)

// employerBefore is a person or a job just before a company: "Pieter de
// Vries van", "an engineer at", "I work for".
var employerBefore = lazyRegexp(`(?i)(\b(work|works|working|worked|I'm|I am|we're|we are|engineer|developer|dev|manager|lead|cto|ceo|cfo|coo|vp|founder|co-founder|recruiter|designer|analyst|architect|consultant|director|intern|colleague|colleagues|friend|friends|folks|someone|people)\s+(at|for|with|from|bij|bei|chez|en|presso|na|no|em|van|von|de|di|da|do)|(?-i:\b[A-Z]\p{Ll}+(\s+(de|van|von|da|di|der|den|du|le|la|van der|van den))?\s+[A-Z]\p{Ll}+)\s+(from|of|van|von|de|di|da|do|uit|aus|bei|bij|chez))\s+$`)

// employerDomain reports whether text[start:end], a link, is a bare
// domain named as someone's employer ("Pieter de Vries van bol.com", "an
// engineer at booking.com"): a company, not a site to visit.
func employerDomain(text string, start, end int) bool {
	return bareDomain().MatchString(text[start:end]) && employerBefore().MatchString(text[:start])
}

// placeBefore is a preposition of place just before a match: "op ons
// bureau" is the sender's office, not their agency's services.
var placeBefore = lazyRegexp(`(?i)\b(op|naar|bij|in|langs|uit)\s+$`)

// dutchPlace reports whether text[start:end], a Dutch "ons/onze ...",
// names a place.
func dutchPlace(text string, start, end int) bool {
	m := strings.ToLower(text[start:end])
	return (strings.HasPrefix(m, "ons") || strings.HasPrefix(m, "onze")) && placeBefore().MatchString(text[:start])
}

// pastSelf is the sender speaking of their past.
var pastSelf = lazyRegexp(`(?i)\b(used to|previously|formerly|years ago|I was|I worked|we were|back when|ex-|former)\b`)

// inPastClause reports whether the clause before text[start:end] (from the
// last punctuation or line break) speaks of the sender's past.
func inPastClause(text string, start, end int) bool {
	clause := text[strings.LastIndexAny(text[:start], ".,;:!?\n")+1 : start]
	return matchWords(pastSelf(), clause)
}

// noteReplacer folds typographic quotes and drops the invisible padding
// characters LinkedIn's emails carry.
var noteReplacer = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "\u00a0", " ", "\u034f", "", "\u200b", "")

// ClassifyNote says what kind of note an invitation carries and returns
// the evidence: the phrase, name or [me] term that decided it (empty for
// none and default, and for a generic note that merely names nothing).
// defaultNote is the parser's finding that the note is LinkedIn's stock
// text; stock texts are also recognised on their own.
func ClassifyNote(note string, defaultNote bool, me Me) (NoteClass, string) {
	if strings.TrimSpace(strings.Map(dropInvisible, note)) == "" {
		return NoteNone, ""
	}
	if defaultNote || inbox.IsDefaultNote(note) {
		return NoteDefault, ""
	}
	s := scoreNote(note, me)
	return s.decide()
}

func dropInvisible(r rune) rune {
	if r == '\u034f' || r == '\u200b' || r == '\ufeff' {
		return -1
	}
	return r
}

// noteScore is the weighted evidence found in one note.
type noteScore struct {
	sum  [4]float64
	best [4]string  // strongest phrase of each kind
	top  [4]float64 // its weight
	// weakRef is the part of sum[reference] that pitches share with real
	// notes: named entities, the [me] terms and the recipient's employer.
	// An offer dressed up with the recipient's company name is still an
	// offer.
	weakRef float64
	// product and cta are the parts of sum[offer] that describe the
	// sender's own product or service, and that call the reader to act.
	product, cta float64
	// words is the note's length in words.
	words int
}

func (s *noteScore) add(kind evidenceKind, w float64, phrase string) {
	s.sum[kind] += w
	if w > s.top[kind] {
		s.top[kind], s.best[kind] = w, clip(stripGreeting(strings.TrimSpace(phrase)), 80)
	}
}

// greetingLead is a salutation at the start of an evidence phrase: "Hi
// Robin, " or "Dear Dr Lee - ".
var greetingLead = lazyRegexp(`(?i)^(hi|hello|hey|dear|hiya|greetings|good (morning|afternoon|evening)|hola|ciao|bonjour|hallo|olá|ola|salut|hoi|cześć|witam)\b[^,.!?:;\n–—-]{0,30}[,.!?:;\n–—-]+\s*`)

// stripGreeting drops a leading salutation from an evidence phrase, so
// that "Hi Robin, Marco de Vries suggested" reads "Marco de Vries
// suggested". A phrase that is nothing but a greeting is kept.
func stripGreeting(phrase string) string {
	if loc := greetingLead().FindStringIndex(phrase); loc != nil && loc[1] < len(phrase) {
		return phrase[loc[1]:]
	}
	return phrase
}

func (s *noteScore) decide() (NoteClass, string) {
	offered, asked, ref, vag := s.sum[offer], s.sum[ask], s.sum[reference], s.sum[vague]
	specific := ref + asked
	strong := specific - s.weakRef
	strongRef := ref - s.weakRef
	if s.words <= 6 && specific < 1 {
		vag++
	}
	switch {
	// The sender's own product or service, described, with a call to
	// action is a pitch even when the note first cites the recipient's
	// work: the citation is the hook.
	case s.product >= 2 && s.cta >= 1 && offered >= 3 && offered > asked:
		return NotePitch, s.best[offer]
	// Calls to action alone (no product of the sender's) weigh against
	// both the questions and the references to the recipient's work: a
	// recruiter or organiser who cites the work and offers details is
	// making a specific approach.
	case offered >= 3 && offered > asked+1+s.uncountered(strongRef):
		return NotePitch, s.best[offer]
	case offered >= 1.5 && strong < 2 && offered > vag:
		return NotePitch, s.best[offer]
	case specific >= 2.5 && specific >= vag:
		return NotePersonalised, s.specificEvidence()
	case offered >= 2 && specific < 2 && offered > vag:
		return NotePitch, s.best[offer]
	case specific >= 2 && specific > vag+1:
		return NotePersonalised, s.specificEvidence()
	}
	return NoteGeneric, s.best[vague]
}

// uncountered is what the references to the recipient weigh against the
// offers: nothing once the sender describes a product of their own.
func (s *noteScore) uncountered(strongRef float64) float64 {
	if s.product > 0 {
		return 0
	}
	return strongRef
}

func (s *noteScore) specificEvidence() string {
	if s.top[ask] > s.top[reference] {
		return s.best[ask]
	}
	return s.best[reference]
}

// emailAddress is an e-mail address in a note. It is contact data, not a
// link to a site: its domain must not count as one.
var emailAddress = lazyRegexp(`[\pL\pN._%+-]+@[\pL\pN-]+(\.[\pL\pN-]+)+`)

// hit is one match of one feature.
type hit struct {
	ft         *noteFeature
	start, end int
	text       string
}

// scoreNote gathers the evidence in note. Matches of one kind that
// overlap are one piece of evidence: only the strongest counts, so two
// patterns that both fit "happy to share details" do not add up.
func scoreNote(note string, me Me) noteScore {
	text := noteText(note)
	if p := notePrefilters(); p.plainText(text) {
		return scoreFast(p, text, me)
	}
	return scoreSlow(text, me)
}

// noteText is note with typographic quotes folded, invisible padding
// dropped and e-mail addresses replaced.
func noteText(note string) string {
	text := noteReplacer.Replace(note)
	if strings.IndexByte(text, '@') < 0 {
		return text // every address has one
	}
	return emailAddress().ReplaceAllString(text, "(e-mail address)")
}

// scoreSlow scores text, prepared by noteText, running every feature
// whose lead literals occur. It is the reference for scoreFast and the
// path for the notes the prefilter does not apply to.
func scoreSlow(text string, me Me) noteScore {
	var s noteScore
	s.words = len(strings.Fields(text))
	lower := strings.ToLower(text)
	var hits [4][]hit
	features := noteFeatures()
	for i := range features {
		ft := &features[i]
		if !ft.mayMatch(lower) {
			continue
		}
		n := 0
		for _, loc := range findWords(ft.re, text, 8) {
			m := text[loc[0]:loc[1]]
			if ft.dropped(text, loc[0], loc[1]) {
				continue
			}
			hits[ft.kind] = append(hits[ft.kind], hit{ft, loc[0], loc[1], m})
			if n++; n == 3 {
				break
			}
		}
	}
	tally(&hits, &s)
	claims(text, &s)
	meTerms(text, me, &s)
	entities(text, me, &s)
	return s
}

// tally adds the hits of each kind to s.
func tally(hits *[4][]hit, s *noteScore) {
	for kind := range hits {
		kept := strongestDisjoint(hits[kind])
		seen := map[*noteFeature]int{}
		for _, h := range kept {
			seen[h.ft]++
			// Repeats of one feature count for less each time.
			w := h.ft.weight / float64(seen[h.ft])
			s.add(h.ft.kind, w, h.text)
			switch {
			case h.ft.weak:
				s.weakRef += w
			case h.ft.role == roleProduct:
				s.product += w
			case h.ft.role == roleCTA:
				s.cta += w
			}
		}
	}
}

// strongestDisjoint keeps, among overlapping hits, the heaviest one (the
// earlier one on ties), and returns the kept hits in text order.
func strongestDisjoint(hits []hit) []hit {
	if len(hits) < 2 {
		return hits
	}
	byWeight := slices.Clone(hits)
	slices.SortStableFunc(byWeight, func(a, b hit) int {
		switch {
		case a.ft.weight > b.ft.weight:
			return -1
		case a.ft.weight < b.ft.weight:
			return 1
		}
		return a.start - b.start
	})
	var kept []hit
	for _, h := range byWeight {
		if !slices.ContainsFunc(kept, func(k hit) bool { return h.start < k.end && k.start < h.end }) {
			kept = append(kept, h)
		}
	}
	slices.SortFunc(kept, func(a, b hit) int { return a.start - b.start })
	return kept
}

// findWords returns up to n matches of re in text that begin and end on
// Unicode word boundaries. Go's \b knows only ASCII letters, so it sees a
// boundary inside "jesteśmy" before "my"; a match whose edge letter
// touches another letter, one of them outside ASCII, is dropped.
// Patterns therefore write \b only next to ASCII letters; a word that
// starts or ends with another letter is left unbounded in the pattern and
// bounded here.
func findWords(re *regexp.Regexp, text string, n int) [][]int {
	// The first n matches are enough unless one of them is dropped.
	locs := re.FindAllStringIndex(text, n)
	out := wordMatches(text, locs, n)
	if len(out) < n && len(locs) == n {
		out = wordMatches(text, re.FindAllStringIndex(text, -1), n)
	}
	return out
}

// wordMatches returns the first n of locs that begin and end on Unicode
// word boundaries, in place.
func wordMatches(text string, locs [][]int, n int) [][]int {
	out := locs[:0]
	for _, loc := range locs {
		if len(out) == n {
			break
		}
		if unicodeEdges(text, loc[0], loc[1]) {
			out = append(out, loc)
		}
	}
	return out
}

// matchWords reports whether re matches text on Unicode word boundaries.
func matchWords(re *regexp.Regexp, text string) bool {
	return len(findWords(re, text, 1)) > 0
}

// unicodeEdges reports whether text[start:end] does not continue a word
// on either side, where one of the two touching letters is not ASCII
// (ASCII edges are the pattern's business).
func unicodeEdges(text string, start, end int) bool {
	if start >= end {
		return true
	}
	glued := func(a, b rune) bool {
		return isWordRune(a) && isWordRune(b) && (a >= utf8.RuneSelf || b >= utf8.RuneSelf)
	}
	if start > 0 {
		prev, _ := utf8.DecodeLastRuneInString(text[:start])
		first, _ := utf8.DecodeRuneInString(text[start:])
		if glued(prev, first) {
			return false
		}
	}
	if end < len(text) {
		last, _ := utf8.DecodeLastRuneInString(text[:end])
		next, _ := utf8.DecodeRuneInString(text[end:])
		if glued(last, next) {
			return false
		}
	}
	return true
}

// senderVoice finds a clause whose subject is the sender's business: "we",
// "our ...", or "I help"/"I partner with", in the languages notes come in.
var senderVoice = lazyRegexp(`(?i)\b(we|we've|we're|we'll|our|I\s+help|I\s+partner|I\s+work\s+with|nous|notre|nos|wir|unser\w*|nosotros|nuestr[ao]s?|noi|nostr[aoie]|nós|noss[ao]s?|wij|onze)\b`)

// metric finds a quantified result: "30%", "3x", "in half", "200+",
// "in under 3 weeks", "$18".
var metric = lazyRegexp(`(?i)\d\s?%|\b\d+(\.\d+)?\s?x\b|\bin half\b|\bhalved\b|\b\d[\d,.]*\s?\+|\b(under|within|less than|in)\s+\d+\s+(hours|days|weeks|months)\b|[$£€]\s?\d`)

// claims adds a sender's quantified claim ("We've helped Ocado cut cloud
// spend by 30%", "our model fills roles in under 3 weeks"): results sold
// in the sender's voice are a value proposition. It counts once.
func claims(text string, s *noteScore) {
	for _, sentence := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(".!?\n;", r) }) {
		if matchWords(metric(), sentence) && matchWords(senderVoice(), sentence) && !isSelfReportSlow(sentence) {
			s.add(offer, 2, strings.TrimSpace(sentence))
			return
		}
	}
}

// meTerms adds the [me] companies, schools, topics and locations the note
// names, in any case ("northwind" counts). Only terms of at most three
// letters must match their case, so that "go" the verb is not "Go" the
// language. A company's first word ("Northwind" for "Northwind
// Analytics") counts on its own unless it is an everyday word ("General",
// "First"), which must then be capitalised.
func meTerms(text string, me Me, s *noteScore) {
	type group struct {
		terms  []string
		weight float64
	}
	var companies []string
	caseSensitive := map[string]bool{}
	for _, c := range me.Companies {
		companies = append(companies, c)
		if w := strings.Fields(c); len(w) > 1 && utf8.RuneCountInString(w[0]) >= 4 && isUpperStart(w[0]) {
			companies = append(companies, w[0])
			if everydayWords[strings.ToLower(w[0])] {
				caseSensitive[w[0]] = true
			}
		}
	}
	for _, g := range []group{{companies, 3}, {me.Schools, 3}, {me.Topics, 3}, {me.Locations, 1.5}} {
		for _, t := range g.terms {
			t = strings.TrimSpace(t)
			if t == "" {
				continue
			}
			cs := utf8.RuneCountInString(t) <= 3 || caseSensitive[t]
			if _, ok := findWord(text, t, cs); ok {
				s.add(reference, g.weight, t)
				s.weakRef += g.weight
			}
		}
	}
}

// everydayWords are common words that start company names ("General
// Electric", "First Direct"): alone and in lower case they name nothing.
var everydayWords = map[string]bool{
	"general": true, "first": true, "national": true, "united": true, "global": true, "digital": true,
	"royal": true, "international": true, "open": true, "smart": true, "blue": true, "green": true,
	"black": true, "white": true, "bright": true, "data": true, "cloud": true, "tech": true,
	"software": true, "systems": true, "solutions": true, "group": true, "capital": true, "bank": true,
	"health": true, "energy": true, "apple": true, "target": true, "shell": true, "square": true,
	"stripe": true, "block": true, "next": true, "north": true, "south": true, "east": true, "west": true,
	"city": true, "central": true, "modern": true, "simple": true, "rapid": true, "true": true,
	"prime": true, "core": true, "metro": true, "british": true, "american": true, "european": true,
	"standard": true, "universal": true, "premier": true, "alpha": true, "delta": true, "summit": true,
}

func isUpperStart(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// commonCaps are capitalised words that name nothing specific.
var commonCaps = map[string]bool{
	"i": true, "i'm": true, "i'd": true, "i've": true, "i'll": true, "linkedin": true, "hi": true, "hello": true,
	"hey": true, "dear": true, "thanks": true, "thank": true, "best": true, "regards": true, "cheers": true,
	"kind": true, "warm": true, "ok": true, "mr": true, "mrs": true, "ms": true, "dr": true, "ceo": true,
	"cto": true, "cfo": true, "coo": true, "vp": true, "hr": true, "it": true, "ai": true, "b2b": true, "saas": true,
	"crm": true, "seo": true, "roi": true, "mvp": true, "mvps": true, "ctos": true, "ceos": true, "yes": true,
	"no": true, "dm": true, "pm": true, "am": true, "asap": true, "fyi": true, "uk": true, "us": true, "usa": true,
	"eu": true, "god": true, "sir": true, "madam": true, "good": true, "morning": true, "day": true,
	"greetings": true, "ciao": true, "hola": true, "bonjour": true, "hallo": true, "olá": true, "p.s": true, "ps": true,
	"covid": true, "english": true, "sincerely": true, "growth": true, "free": true, "tech": true,
}

// greetings are words after which a capitalised word is the recipient's name.
var greetings = map[string]bool{"hi": true, "hello": true, "hey": true, "dear": true, "hola": true, "ciao": true,
	"bonjour": true, "hallo": true, "olá": true, "ola": true, "salut": true, "morning": true, "thanks": true}

var firstPerson = lazyRegexp(`(?i)\b(i|i'm|i am|we|we're|we are|my|our|me)\b`)

// entities adds named entities: capitalised words that do not start a
// sentence, are not greetings, the recipient's name or the sign-off, and
// so name a product, place, event, company or person. Entities in the
// sender's description of themselves ("I'm a developer in Pune") count for
// less. German capitalises every noun, so German notes skip this.
func entities(text string, me Me, s *noteScore) {
	entitiesOf(text, me, s, looksGerman(text))
}

// entitiesOf is entities, given whether text looks German.
func entitiesOf(text string, me Me, s *noteScore, german bool) {
	if german {
		return
	}
	body := stripSignoff(text)
	recipient := map[string]bool{}
	for _, w := range strings.Fields(me.Name) {
		recipient[strings.ToLower(w)] = true
	}
	found := map[string]bool{}
	var total float64
	for _, clause := range splitClauses(body) {
		weight := 0.6
		if !strings.Contains(strings.ToLower(clause), "you") && matchWords(firstPerson(), clause) {
			weight = 0.25
		}
		words := strings.Fields(clause)
		var run []string
		flush := func() {
			if len(run) > 0 {
				e := strings.Join(run, " ")
				if !found[e] {
					found[e] = true
					if total < 2.4 {
						s.add(reference, weight, e)
						s.weakRef += weight
						total += weight
					}
				}
			}
			run = nil
		}
		prev := ""
		for i, raw := range words {
			w := strings.TrimFunc(raw, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			lw := strings.ToLower(w)
			ok := i > 0 && w != "" && isUpperStart(w) && utf8.RuneCountInString(w) >= 2 &&
				!commonCaps[lw] && !recipient[lw] && !greetings[prev] &&
				!strings.HasPrefix(raw, "'") && !strings.HasPrefix(raw, `"`) && !strings.HasPrefix(raw, "(")
			if ok {
				run = append(run, w)
			} else {
				flush()
			}
			if w != raw && !strings.HasSuffix(raw, "'s") {
				flush() // punctuation ends an entity
			}
			prev = lw
		}
		flush()
	}
}

// splitClauses cuts text at sentence ends, line breaks, commas, dashes,
// colons and quotes, so that the first word of each piece is treated as
// sentence-initial.
func splitClauses(text string) []string {
	var out []string
	rs := []rune(text)
	start := 0
	for i, r := range rs {
		sep := strings.ContainsRune(".!?\n;:,—–()\"¡¿“”", r)
		if r == '\'' {
			// A quote, not an apostrophe inside a word ("I'm", "O'Reilly").
			sep = i == 0 || i == len(rs)-1 || !unicode.IsLetter(rs[i-1]) || !unicode.IsLetter(rs[i+1])
		}
		if sep {
			if start < i {
				out = append(out, string(rs[start:i]))
			}
			start = i + 1
		}
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out
}

// stripSignoff drops a closing line of at most three words ("Best,\nRaj").
func stripSignoff(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for len(lines) > 1 {
		last := strings.TrimSpace(lines[len(lines)-1])
		if last != "" && len(strings.Fields(last)) > 3 {
			break
		}
		lines = lines[:len(lines)-1]
		if len(lines) == 0 || len(strings.Fields(lines[len(lines)-1])) > 3 {
			break
		}
	}
	return strings.Join(lines, "\n")
}

var germanWords = lazyRegexp(`(?i)\b(ich|und|mit|sie|ihnen|ihr|ihrem|mein|meinem|wir|der|die|das|für|nicht|ein|eine|zu|haben|würde|gerne|mich|freuen|auf|bei|unternehmen)\b`)

func looksGerman(text string) bool {
	return len(findWords(germanWords(), text, 3)) >= 3
}

var (
	// selfResult is a result the sender reports about their own work ("we
	// cut our p99 latency by 40%") or their own experience ("10+ years"):
	// news or a résumé, not a result sold to the reader.
	selfResult = lazyRegexp(`(?i)\b(cut|cutting|reduced?|reducing|halved|improved?|lowered|dropped|saved|sped up|grew|doubled|tripled|boosted|increased)\s+(our|my)\b|\b\d+\s?\+\s*(years?|yrs)\b|\b(years?|yrs)\s+of\s+experience\b`)
	// forOthers is a third party the sender's results were for.
	forOthers = lazyRegexp(`(?i)\b(our|my)\s+(clients?|customers?|partners|users|members|portfolio)\b`)
)

// isSelfReportSlow reports whether an offer-like phrase is the sender
// speaking of their own results or experience rather than selling results
// to others. It is the reference for isSelfReport.
func isSelfReportSlow(phrase string) bool {
	locs := findWords(selfResult(), phrase, 1)
	if len(locs) == 0 {
		return false
	}
	lm := strings.ToLower(phrase[locs[0][0]:locs[0][1]])
	return strings.Contains(lm, "year") || strings.Contains(lm, "yr") || !matchWords(forOthers(), phrase)
}

// lazyRegexp returns a function that compiles expr on its first call and
// returns the same *regexp.Regexp ever after: a process that classifies no
// note pays nothing for the classifier's expressions.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
