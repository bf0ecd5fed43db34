#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Stand in for systemd's notify socket and the journal's socket.

usage: dgram_sink.py SOCKET OUT [SOCKET OUT ...]

Binds an AF_UNIX datagram socket at each SOCKET and appends every
datagram that reaches it to the matching OUT as one line, its newlines
written as '|' (the fields of one notify message or journal entry on one
line, for grep). Runs until killed.
"""
import os
import select
import socket
import sys


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    socks = {}
    for path, out in zip(args[::2], args[1::2]):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)
        socks[s] = out
    while True:
        ready, _, _ = select.select(list(socks), [], [])
        for s in ready:
            data = s.recv(65536)
            line = data.decode('utf-8', 'backslashreplace').replace('\n', '|')
            with open(socks[s], 'a') as f:
                f.write(line + '\n')


if __name__ == '__main__':
    main()
