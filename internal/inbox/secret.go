package inbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// maxSecretSize bounds what a password or token command may print.
const maxSecretSize = 64 << 10

// maxStderrInError bounds how much of a command's stderr goes into an error.
const maxStderrInError = 512

// secret returns the account's password, or its OAuth2 access token when
// auth is "xoauth2" or "oauthbearer", from the one configured source.
// Commands run at each call, under ctx and the account timeout. Errors name
// the source but never contain the secret.
func (a Account) secret(ctx context.Context) (string, error) {
	switch {
	case a.TokenCommand != "":
		return runSecretCommand(ctx, "token_command", a.TokenCommand, a.timeout())
	case a.PasswordCommand != "":
		return runSecretCommand(ctx, "password_command", a.PasswordCommand, a.timeout())
	case a.Password != "":
		return a.Password, nil
	}
	name := a.PasswordEnv
	if name == "" {
		name = DefaultPasswordEnv
	}
	v, ok := os.LookupEnv(name)
	switch {
	case !ok:
		return "", fmt.Errorf("password_env: environment variable %s is not set", name)
	case v == "":
		return "", fmt.Errorf("password_env: environment variable %s is empty", name)
	}
	return v, nil
}

// limitedBuffer keeps at most max bytes and remembers that it dropped some.
type limitedBuffer struct {
	buf       bytes.Buffer
	max       int
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.buf.Write(p[:max(room, 0)])
		b.truncated = true
		return len(p), nil
	}
	return b.buf.Write(p)
}

// runSecretCommand runs command with "sh -c" and returns the first line of
// its standard output, trimmed. key is the config key, for errors.
func runSecretCommand(ctx context.Context, key, command string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxSecretSize, 4<<10
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A command that leaves a child holding its pipes must not hang us.
	cmd.WaitDelay = time.Second

	err := cmd.Run()
	out := strings.TrimSpace(stdout.buf.String())
	// Like "pass show", a command may print the secret on its first line
	// and notes after it.
	secret := out
	if i := strings.IndexAny(secret, "\r\n"); i >= 0 {
		secret = strings.TrimSpace(secret[:i])
	}
	detail := stderrDetail(stderr.buf.String(), out, secret)
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && err != nil:
		return "", fmt.Errorf("%s: did not finish within %v%s", key, timeout, detail)
	case ctx.Err() != nil && err != nil:
		return "", fmt.Errorf("%s: %w", key, ctx.Err())
	case err != nil:
		return "", fmt.Errorf("%s: %v%s", key, err, detail)
	case stdout.truncated:
		return "", fmt.Errorf("%s: printed more than %d bytes", key, maxSecretSize)
	case secret == "":
		return "", fmt.Errorf("%s: printed nothing on standard output%s", key, detail)
	}
	return secret, nil
}

// stderrDetail formats a command's stderr for an error message: trimmed,
// shortened, on one line, and with the secret removed should the command
// have echoed it.
func stderrDetail(stderr string, secrets ...string) string {
	s := stderr
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	if len(s) > maxStderrInError {
		s = s[:maxStderrInError] + "…"
	}
	return ": stderr: " + s
}
