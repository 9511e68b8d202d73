"""dkimpy (Debian's python3-dkim) as a peer verifier for test/dkimpy-differential.test.ts.

Reads from stdin one JSON request holding every case, so that the whole corpus costs one process:

    {"keys": {"<selector>._domainkey.<domain>": {"txt": [[string, ...], ...]} | {"error": code}},
     "cases": [{"message": base64, "now": seconds since the epoch}, ...]}

and writes, for each case, one verdict per DKIM-Signature field, topmost first:

    [[{"pass": bool, "reason": string or null}, ...], ...]

DNS answers come from the request, made by the test from the zone our verifier uses, and are handed
to dkimpy through its dnsfunc hook in the shape of its own dnsplug.get_txt: the first TXT record's
strings joined with nothing between them, None when there is no record, DnsTimeoutError on a
timeout. dkimpy reads the clock through time.time() when it judges t= and x=, so that clock is
replaced by the case's fixed time.
"""
import base64
import json
import logging
import sys

import dkim


class CaseClock:
    """Stands for the time module inside dkim: the only call it makes is time.time()."""

    now = 0

    def time(self):
        return self.now


class Reasons(logging.Handler):
    """dkimpy logs why a key was refused (and returns False) rather than raising: keep the words."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def dnsfunc_for(keys):
    def dnsfunc(name, timeout=5):
        answer = keys.get(name.decode('ascii', 'replace').rstrip('.').lower())
        if answer is None:
            return None
        if 'error' in answer:
            if answer['error'] == 'TEMPFAIL':
                raise dkim.DnsTimeoutError('TEMPFAIL from the zone')
            return None
        return ''.join(answer['txt'][0]).encode('latin-1')
    return dnsfunc


def verify_all(message, dnsfunc, logger, reasons):
    verifier = dkim.DKIM(message, logger=logger, minkey=1024)
    count = sum(1 for name, _ in verifier.headers if name.lower() == b'dkim-signature')
    verdicts = []
    for idx in range(count):
        reasons.messages = []
        try:
            passed = bool(verifier.verify(idx, dnsfunc=dnsfunc))
            reason = '; '.join(reasons.messages) or None
        except Exception as error:  # the peer's verdict, reported as data (dkim.verify() catches DKIMException alike)
            passed, reason = False, '%s: %s' % (type(error).__name__, error)
        verdicts.append({'pass': passed, 'reason': reason})
    return verdicts


def main():
    request = json.load(sys.stdin)
    clock = CaseClock()
    dkim.time = clock
    reasons = Reasons()
    logger = logging.getLogger('dkimpy-differential')
    logger.propagate = False
    logger.setLevel(logging.ERROR)
    logger.addHandler(reasons)
    dnsfunc = dnsfunc_for(request['keys'])
    results = []
    for case in request['cases']:
        clock.now = case['now']
        results.append(verify_all(base64.b64decode(case['message']), dnsfunc, logger, reasons))
    json.dump(results, sys.stdout)


main()
