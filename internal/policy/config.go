package policy

// Me is the [me] section of the config: who the user is. Decide uses it as
// evidence that a note is personalised (it names one of the user's
// companies, schools, topics or locations) and to recognise coworkers.
type Me struct {
	Name      string   `toml:"name"`
	Email     string   `toml:"email"`
	Role      string   `toml:"role"`
	Companies []string `toml:"companies"` // current and past employers; the first ones are "current" for coworker detection
	Schools   []string `toml:"schools"`
	Topics    []string `toml:"topics"` // subjects the user works on or writes about
	Locations []string `toml:"locations"`
}

// Config is the [policy] section of the config file. Every number is a
// count of points added to (or, when negative, taken from) the score. The
// zero Config is valid but scores everything 0; start from Defaults.
type Config struct {
	Thresholds  Thresholds        `toml:"thresholds"`
	Note        NoteConfig        `toml:"note"`
	LION        LIONConfig        `toml:"lion"`
	Connections ConnectionsConfig `toml:"connections"`
	Mutual      MutualConfig      `toml:"mutual"`
	Industry    IndustryConfig    `toml:"industry"`
	Location    LocationConfig    `toml:"location"`
	Known       KnownConfig       `toml:"known"`
	Coworkers   CoworkersConfig   `toml:"coworkers"`
	Reminder    ReminderConfig    `toml:"reminder"`
	Rules       []Rule            `toml:"rule"` // [[policy.rule]]
}

// Thresholds turn a score into a verdict: accept at or above Accept,
// ignore below Ignore, clarify in between. Accept must be above Ignore.
type Thresholds struct {
	Accept int `toml:"accept"`
	Ignore int `toml:"ignore"`
}

// NoteConfig gives the points for each class of note ([policy.note]).
type NoteConfig struct {
	None         int `toml:"none"`         // no note at all
	Default      int `toml:"default"`      // LinkedIn's stock text
	Generic      int `toml:"generic"`      // could have been sent to anyone
	Personalised int `toml:"personalised"` // names something specific
	Pitch        int `toml:"pitch"`        // a sales offer
}

// LIONConfig detects LIONs and other open networkers ([policy.lion]).
type LIONConfig struct {
	Points int `toml:"points"`
	// Markers are regular expressions (Go RE2 syntax) searched in the
	// inviter's name and headline; add (?i) for case-insensitive ones.
	Markers []string `toml:"markers"`
	// EmailMarker counts an email address in the name or headline as a marker.
	EmailMarker bool `toml:"email_marker"`
	// MaxConnections: a known connection count above it marks an open
	// networker; 0 turns the check off.
	MaxConnections int `toml:"max_connections"`
}

// ConnectionsConfig scores the inviter's own connection count
// ([policy.connections]). The notification emails never carry it, so it is
// usually unknown; Unknown is then added and named in the reasons.
type ConnectionsConfig struct {
	Many       int `toml:"many"`        // at or above this count ...
	ManyPoints int `toml:"many_points"` // ... add these points
	Few        int `toml:"few"`         // below this count ...
	FewPoints  int `toml:"few_points"`  // ... add these points
	Unknown    int `toml:"unknown"`     // points when the count is unknown
}

// MutualConfig scores connections in common ([policy.mutual]).
type MutualConfig struct {
	Per  int `toml:"per"`  // points per mutual connection
	Max  int `toml:"max"`  // cap on the total from mutual connections
	Zero int `toml:"zero"` // points when the email says there are none
}

// IndustryConfig matches keywords in the headline, title and company
// ([policy.industry]): whole words or phrases, case-insensitive. The email
// has no industry field, so the headline stands for it.
type IndustryConfig struct {
	Prefer       []string `toml:"prefer"`
	PreferPoints int      `toml:"prefer_points"` // once, however many match
	Avoid        []string `toml:"avoid"`
	AvoidPoints  int      `toml:"avoid_points"` // once, however many match
}

// LocationConfig matches the inviter's location ([policy.location]).
type LocationConfig struct {
	Prefer []string `toml:"prefer"` // whole words or phrases, case-insensitive
	// UseMe adds the [me] locations to Prefer.
	UseMe  bool `toml:"use_me"`
	Points int  `toml:"points"`
}

// KnownConfig lists people the user knows ([policy.known]): a match is
// accepted whatever the score (only a suspicious verdict overrides it).
type KnownConfig struct {
	Names     []string `toml:"names"`     // full names, case-insensitive
	Profiles  []string `toml:"profiles"`  // LinkedIn profile URLs or vanity names
	Companies []string `toml:"companies"` // the inviter's company, or a word in the headline
}

// CoworkersConfig scores inviters whose company is one of [me].companies
// ([policy.coworkers]).
type CoworkersConfig struct {
	Points int `toml:"points"`
}

// ReminderConfig scores LinkedIn's "is waiting for your response"
// reminders ([policy.reminder]).
type ReminderConfig struct {
	Points int `toml:"points"`
}

// Rule is a user rule ([[policy.rule]]): when Field matches, Points are
// added and Name appears in the reasons. Exactly one of Match (a regular
// expression) and Keywords (whole words or phrases, case-insensitive) is set.
type Rule struct {
	Name     string   `toml:"name"`
	Field    string   `toml:"field"` // name, headline, title, company, location or note
	Match    string   `toml:"match"`
	Keywords []string `toml:"keywords"`
	Points   int      `toml:"points"`
}

// ruleFields are the Invitation fields a Rule may test.
var ruleFields = []string{"name", "headline", "title", "company", "location", "note"}

// Defaults returns the built-in policy. It encodes the advice triage is
// built on: accept people you know, people from your target industries and
// people with a real, specific reason (a personalised note weighs strongly);
// 500+ connections count in favour; ignore pitches, LIONs and people with no
// reason to connect; ask the borderline ones what the connection is for.
//
// With these numbers a personalised note alone (+5) reaches accept (4); a
// stranger with LinkedIn's stock note and no connection in common (-1 -1)
// is ignored (below -1); the stock note with a few mutual connections is
// borderline and gets a clarifying question; a pitch or a LION (-6) sinks
// anything short of a known contact.
func Defaults() Config {
	return Config{
		Thresholds: Thresholds{Accept: 4, Ignore: -1},
		Note:       NoteConfig{None: -1, Default: -1, Generic: -1, Personalised: 5, Pitch: -6},
		LION: LIONConfig{
			Points: -6,
			Markers: []string{
				`\bL\.?I\.?O\.?N\b`,
				`(?i)\bopen[ -]?networker\b`,
				`(?i)\b(i\s+)?accepts?\s+all\b`,
				`(?i)\bnever\s+(ignore|decline)\b`,
				`(?i)\btop\s?linked\b`,
				`(?i)\b\d+(\.\d+)?\s?k\+`,
				`(?i)\b\d{1,3}[,.]?\d{3}\+?\s+connections\b`,
			},
			EmailMarker:    true,
			MaxConnections: 10000,
		},
		Connections: ConnectionsConfig{Many: 500, ManyPoints: 1, Few: 50, FewPoints: -1, Unknown: 0},
		Mutual:      MutualConfig{Per: 1, Max: 3, Zero: -1},
		Industry: IndustryConfig{
			Prefer:       []string{},
			PreferPoints: 2,
			Avoid: []string{
				"forex", "binary options", "crypto trader", "lead generation",
				"appointment setting", "growth hacker", "MLM",
			},
			AvoidPoints: -3,
		},
		Location:  LocationConfig{Prefer: []string{}, UseMe: true, Points: 1},
		Known:     KnownConfig{Names: []string{}, Profiles: []string{}, Companies: []string{}},
		Coworkers: CoworkersConfig{Points: 3},
		Reminder:  ReminderConfig{Points: 0},
	}
}
