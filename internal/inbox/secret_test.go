package inbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSecretEnv(t *testing.T) {
	t.Setenv("TRIAGE_TEST_SET", "env-secret")
	t.Setenv("TRIAGE_TEST_EMPTY", "")
	tests := []struct {
		env     string
		want    string
		wantErr string
	}{
		{"TRIAGE_TEST_SET", "env-secret", ""},
		{"TRIAGE_TEST_EMPTY", "", "password_env: environment variable TRIAGE_TEST_EMPTY is empty"},
		{"TRIAGE_TEST_UNSET_4711", "", "password_env: environment variable TRIAGE_TEST_UNSET_4711 is not set"},
	}
	for _, tt := range tests {
		got, err := Account{PasswordEnv: tt.env}.secret(context.Background())
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
			t.Errorf("secret(password_env %s) = %q, %v, want %q, %q", tt.env, got, err, tt.want, tt.wantErr)
		}
	}
	// The default variable.
	t.Setenv("TRIAGE_PASSWORD", "default-secret")
	if got, err := (Account{}).WithDefaults().secret(context.Background()); got != "default-secret" || err != nil {
		t.Errorf("secret(defaults) = %q, %v, want TRIAGE_PASSWORD", got, err)
	}
}

func TestSecretCommand(t *testing.T) {
	tests := []struct {
		name    string
		a       Account
		want    string
		wantErr []string // substrings
	}{
		{"password", Account{PasswordCommand: "printf '  pw-1  \\n'"}, "pw-1", nil},
		{"first line", Account{PasswordCommand: "printf 'pw-2\\nlogin: me\\nurl: x\\n'"}, "pw-2", nil},
		{"token", Account{Auth: AuthXOAuth2, TokenCommand: "echo tok-3"}, "tok-3", nil},
		{"token wins", Account{Auth: AuthXOAuth2, TokenCommand: "echo tok-4", PasswordEnv: "X"}, "tok-4", nil},
		{"password in config", Account{Password: "cfg-5"}, "cfg-5", nil},
		{"fails", Account{PasswordCommand: "echo 'gpg: decryption failed: No secret key' >&2; exit 2"}, "",
			[]string{"password_command: exit status 2", "stderr: gpg: decryption failed: No secret key"}},
		{"fails echoing the secret", Account{PasswordCommand: "echo leaked-6; echo 'bad leaked-6' >&2; exit 1"}, "",
			[]string{"password_command: exit status 1", "stderr: bad [redacted]"}},
		{"prints nothing", Account{TokenCommand: "true", Auth: AuthOAuthBearer}, "",
			[]string{"token_command: printed nothing"}},
		{"too slow", Account{PasswordCommand: "sleep 10", Timeout: Duration{200 * time.Millisecond}}, "",
			[]string{"password_command: did not finish within 200ms"}},
	}
	for _, tt := range tests {
		start := time.Now()
		got, err := tt.a.secret(context.Background())
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: secret took %v", tt.name, d)
		}
		if got != tt.want {
			t.Errorf("%s: secret() = %q, want %q", tt.name, got, tt.want)
		}
		if len(tt.wantErr) == 0 {
			if err != nil {
				t.Errorf("%s: secret() error = %v", tt.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: secret() error = nil, want %q", tt.name, tt.wantErr)
			continue
		}
		for _, w := range tt.wantErr {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: secret() error = %q, want it to contain %q", tt.name, err, w)
			}
		}
		if strings.Contains(err.Error(), "leaked-6") {
			t.Errorf("%s: error %q shows the secret", tt.name, err)
		}
	}
}

func TestSecretCommandContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := Account{PasswordCommand: "sleep 10"}.secret(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("secret with a cancelled context: error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("secret took %v after cancel", d)
	}
}
