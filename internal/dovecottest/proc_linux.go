package dovecottest

import "syscall"

// sysProcAttr puts Dovecot in its own process group, so that Stop can
// signal all its processes at once, and makes the kernel stop Dovecot's
// master if this process dies without calling Stop (a crashed or killed
// test binary).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
