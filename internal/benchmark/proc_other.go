//go:build !linux

package benchmark

import (
	"syscall"
	"time"
)

// maxRSSBytes converts ru_maxrss, which BSDs and macOS give in bytes.
func maxRSSBytes(ru *syscall.Rusage) int64 { return int64(ru.Maxrss) }

// groupCPU is only measured on Linux.
func groupCPU(int) (time.Duration, bool) { return 0, false }

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
