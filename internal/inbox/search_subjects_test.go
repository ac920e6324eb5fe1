package inbox

import (
	"os"
	"strings"
	"testing"
)

// matchesSearch reports whether an IMAP SEARCH SUBJECT with one of subs
// (a case-insensitive substring match) finds subject.
func matchesSearch(subs []string, subject string) bool {
	s := strings.ToLower(subject)
	for _, k := range subs {
		if strings.Contains(s, k) {
			return true
		}
	}
	return false
}

func TestSearchSubjectsShape(t *testing.T) {
	subs := SearchSubjects()
	if len(subs) < 10 {
		t.Fatalf("SearchSubjects() = %q: too few", subs)
	}
	for i, s := range subs {
		if len([]rune(s)) < minSubjectLiteral || s != strings.ToLower(s) || s != strings.TrimSpace(s) {
			t.Errorf("SearchSubjects()[%d] = %q: want lower case, trimmed, at least %d characters", i, s, minSubjectLiteral)
		}
		for j, o := range subs {
			if i != j && strings.Contains(s, o) {
				t.Errorf("SearchSubjects() has %q and %q, which the first makes redundant", o, s)
			}
		}
	}
	subs[0] = "changed"
	if SearchSubjects()[0] == "changed" {
		t.Error("SearchSubjects returns its internal slice")
	}
}

// Every subject the parser's tables accept as an invitation must be
// found by the server-side search, or the sweep never sees the mail.
func TestSearchSubjectsFindInvitations(t *testing.T) {
	subjects := []string{
		// From the fixtures' eras.
		"Invitation to connect on LinkedIn",
		"Jane Doe, please add me to your LinkedIn network",
		"You have an invitation",
		"You have an invitation ✉️",
		"I want to connect",
		"Pat Lee is waiting for your response",
		"Reminder about your invitation from Pat Lee",
		"You have 3 new invitations",
		"You have 1 new invitation",
		"Nadia Haddad and 2 others want to connect",
		"Ben Carter wants to connect with you",
		"Invitation from Ben Carter to join your LinkedIn network",
		"Ben Carter has invited you to connect",
		"Ben Carter would like to join your professional network",
		// Other languages.
		"Voglio collegarmi",
		"Mario Rossi, aggiungimi alla tua rete LinkedIn",
		"Mario Rossi è in attesa di una tua risposta",
		"Mario Rossi e' in attesa di una tua risposta",
		"Hai un invito",
		"Je souhaite entrer en relation",
		"Marie, ajoutez-moi à votre réseau LinkedIn",
		"Baptiste, merci de m'ajouter à votre réseau LinkedIn",
		"Invitation à rejoindre votre réseau LinkedIn",
		"Vous avez une invitation",
		"Marie Dupont attend votre réponse",
		"Ich möchte mich mit Ihnen vernetzen",
		"Hans, bitte fügen Sie mich zu Ihrem LinkedIn-Netzwerk hinzu",
		"Einladung zum Vernetzen auf LinkedIn",
		"Sie haben eine Einladung",
		"Hans Müller wartet auf Ihre Antwort",
		"Quiero conectar",
		"Ana, añádeme a tu red de LinkedIn",
		"Tienes una invitación",
		"Ana García está esperando tu respuesta",
		"Quero me conectar",
		"João, adicione-me à sua rede do LinkedIn",
		"Você tem um convite",
		"João Silva está aguardando sua resposta",
	}
	subs := SearchSubjects()
	for _, s := range subjects {
		if !anyMatch(phrases().inviteSubjects, s) {
			t.Errorf("subject %q: the parser's tables do not accept it; fix this test's list", s)
			continue
		}
		if !matchesSearch(subs, s) {
			t.Errorf("SearchSubjects() = %q finds no %q", subs, s)
		}
	}
}

// Every invitation fixture is found by the sweep's search: FROM
// linkedin.com or one of the subjects.
func TestSearchSubjectsFindFixtures(t *testing.T) {
	subs := SearchSubjects()
	n := 0
	for _, path := range fixtures(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := Parse(strings.NewReader(string(data)))
		if err != nil {
			continue
		}
		n++
		if !strings.Contains(strings.ToLower(msg.From), LinkedInDomain) && !matchesSearch(subs, msg.Subject) {
			t.Errorf("%s: invitation from %s with subject %q is found neither by FROM nor by SUBJECT", path, msg.From, msg.Subject)
		}
	}
	if n == 0 {
		t.Fatal("no invitation fixtures")
	}
}

// Every subject pattern of every language gives something to search for;
// a pattern added to locale.go that does not would never be found.
func TestSearchSubjectsCoverEveryPattern(t *testing.T) {
	subs := SearchSubjects()
	for _, l := range locales {
		for _, p := range l.inviteSubjects {
			lits := subjectLiterals([]string{p})
			if len(lits) == 0 {
				t.Errorf("%s subject pattern %q has no literal of %d+ characters to search for", l.lang, p, minSubjectLiteral)
				continue
			}
			for _, lit := range lits {
				if !matchesSearch(subs, lit) {
					t.Errorf("%s subject pattern %q: %q is not covered by SearchSubjects() = %q", l.lang, p, lit, subs)
				}
			}
		}
	}
}
