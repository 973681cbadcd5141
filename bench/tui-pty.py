#!/usr/bin/env python3
"""Runs a command in a real pty of COLS x ROWS and relays bytes both ways unbuffered (util-linux `script`
holds piped stdin back, which hides keypress latency). Usage: tui-pty.py COLS ROWS CMD..."""
import fcntl, os, pty, select, struct, sys, termios

cols, rows, cmd = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
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
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 4096)
        if not data:
            stdin_open = False
        else:
            os.write(fd, data)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
