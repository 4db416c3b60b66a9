package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// consoleHelp is the one line printed for help and for any line that is not
// a command.
const consoleHelp = "commands: expire <duration> (fast-forward retention: remove what expires by now+duration, e.g. expire 40d, expire +960h)"

// parseExpire reads one console line. It returns the duration of an
// "expire" command, or an error that fits on one line; an error wrapping
// errUnknown means the line is not a command at all.
func parseExpire(line string) (time.Duration, error) {
	f := strings.Fields(line)
	if len(f) == 0 || f[0] != "expire" {
		return 0, errUnknown
	}
	if len(f) != 2 {
		return 0, errors.New("expire takes one duration, e.g. expire 40d or expire +960h")
	}
	arg := strings.TrimPrefix(f[1], "+")
	var d time.Duration
	if days, ok := strings.CutSuffix(arg, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n < 0 || n > int64(math.MaxInt64/int64(24*time.Hour)) {
			return 0, fmt.Errorf("expire: %q is not a whole number of days (e.g. 40d)", f[1])
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(arg); err != nil {
			return 0, fmt.Errorf("expire: %q is not a duration (e.g. 40d, 960h, 90m)", f[1])
		}
	}
	if d < 0 || strings.HasPrefix(arg, "-") {
		return 0, fmt.Errorf("expire: %q goes back in time; give a duration of 0 or more", f[1])
	}
	return d, nil
}

// errUnknown marks a line that is not a console command.
var errUnknown = errors.New("unknown command")

// serveConsole reads commands from in, one a line, until in ends or ctx is
// done, and answers each with one line on out. expire is the stack's TTL
// sweep (Stack.Expire); now is the clock. The end of in stops only the
// console, never the stack.
func serveConsole(ctx context.Context, in io.Reader, out io.Writer, now func() time.Time, expire func(context.Context, time.Time) (int, error)) {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if ctx.Err() != nil {
			return
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		d, err := parseExpire(line)
		switch {
		case errors.Is(err, errUnknown):
			fmt.Fprintln(out, consoleHelp)
		case err != nil:
			fmt.Fprintln(out, "camvault-local:", err)
		default:
			at := now().Add(d)
			n, err := expire(ctx, at)
			if err != nil {
				fmt.Fprintf(out, "camvault-local: expire as of %s: %v\n", at.UTC().Format(time.RFC3339), err)
				continue
			}
			fmt.Fprintf(out, "expired %d items as of %s\n", n, at.UTC().Format(time.RFC3339))
		}
	}
}
