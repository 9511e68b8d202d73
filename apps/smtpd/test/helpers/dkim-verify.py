"""An independent DKIM verifier for the end-to-end tests: Debian's python3-dkim, asking the
test's authoritative DNS server. Reads a message on stdin; prints "pass" or "fail".
Usage: /usr/bin/python3 dkim-verify.py HOST PORT < message
"""
import sys

import dkim
import dns.resolver


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = port

    def txt(name: bytes, timeout: int = 5) -> bytes:
        answer = resolver.resolve(name.decode().rstrip('.'), 'TXT', lifetime=timeout)
        return b''.join(b''.join(record.strings) for record in answer)

    message = sys.stdin.buffer.read()
    print('pass' if dkim.verify(message, dnsfunc=txt) else 'fail')


main()
