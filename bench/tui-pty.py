#!/usr/bin/env python3
"""Runs a command in a real pty of COLS x ROWS and relays bytes both ways unbuffered (util-linux `script`
holds piped stdin back, which hides keypress latency). Usage: tui-pty.py COLS ROWS CMD...
With TUI_PTY_MARK=text and TUI_PTY_REPORT=file, writes to the file the milliseconds from the fork of CMD to the
first output that contains the text: start-up as the user sees it, without this relay's own start-up."""
import fcntl, os, pty, select, struct, sys, termios, time

cols, rows, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
mark = os.environ.get('TUI_PTY_MARK', '').encode()
report = os.environ.get('TUI_PTY_REPORT')
seen = b''
t_fork = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
stdin_open = True
while True:
    rl = [fd] + ([0] if stdin_open else [])
    try:
        ready, _, _ = select.select(rl, [], [])
    except InterruptedError:
        continue
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        if mark and report:
            seen += data
            if mark in seen:
                with open(report, 'w') as f:
                    f.write('%.1f' % ((time.monotonic() - t_fork) * 1000))
                mark = b''
                seen = b''
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 4096)
        if not data:
            stdin_open = False
        else:
            os.write(fd, data)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
