"""pyspf (Debian's python3-spf) as the independent SPF implementation of the differential test.

Reads {"zone": zonedata, "cases": [{"ip", "mailFrom", "helo"}, ...]} as JSON from stdin and
writes one {"mailfrom": verdict, "helo": verdict} per case as JSON to stdout, a verdict being
{"result", "detail"} with pyspf's message (e.g. "SPF Permanent Error: Void lookup limit of 2
exceeded"). The zone is the openspf `zonedata` shape that @authgate/dns's ZoneResolver reads,
answered here the way ZoneResolver answers it (the suite drivers' conventions, wildcards, CNAMEs,
TIMEOUT), so both implementations see the same DNS. pyspf asks DNS through the module-level
function spf.DNSLookup, replaced here.

Settings: strict=True, as pyspf's own driver of the openspf suite (test/testspf.py) runs it,
and querytime=20, the overall limit RFC 7208 §4.6.4 recommends (what spf.check2 uses).
"""
import json
import sys

import spf

TYPES = ('TXT', 'A', 'AAAA', 'MX', 'PTR')
MAX_CNAME_HOPS = 8


def ascii_lower(name):
    """RFC 4343: only ASCII letters fold in DNS name comparison."""
    return ''.join(c.lower() if 'A' <= c <= 'Z' else c for c in name)


def normalize(name):
    name = ascii_lower(str(name))
    return name[:-1] if name.endswith('.') else name


def host_of(value):
    text = '' if value is None else str(value)
    return text[:-1] if text.endswith('.') else text


def compile_name(entries):
    """One name's entries with the conventions of the openspf suite drivers (as compileZoneData)."""
    node = {'records': {t: [] for t in TYPES}, 'timeouts': set(), 'spf': [], 'cname': None}
    has_txt = cut = spf_timeout = False
    for entry in entries:
        if entry == 'TIMEOUT':
            if not cut:
                node['timeouts'].update(t for t in TYPES if not node['records'][t])
            cut = True
            continue
        ((rrtype, value),) = entry.items()
        if rrtype == 'TXT':
            has_txt = True
        if cut or value == 'NONE':
            continue
        if value == 'TIMEOUT':
            if rrtype == 'SPF':
                spf_timeout = True
            elif rrtype != 'CNAME':
                node['timeouts'].add(rrtype)
            continue
        if rrtype in ('TXT', 'SPF'):
            strings = [str(s) for s in value] if isinstance(value, list) else [str(value)]
            (node['records']['TXT'] if rrtype == 'TXT' else node['spf']).append(strings)
        elif rrtype in ('A', 'AAAA'):
            node['records'][rrtype].append(str(value))
        elif rrtype == 'MX':
            node['records']['MX'].append((int(value[0]), host_of(value[1])))
        elif rrtype == 'PTR':
            node['records']['PTR'].append(host_of(value))
        elif rrtype == 'CNAME':
            node['cname'] = normalize(host_of(value))
    if not has_txt:
        node['records']['TXT'] = node['spf']
        if cut or spf_timeout:
            node['timeouts'].add('TXT')
        else:
            node['timeouts'].discard('TXT')
    if node['cname'] is not None:
        node['timeouts'] = set(TYPES) if cut else set()
    return node


class Zone:
    def __init__(self, zonedata):
        self.nodes = {normalize(name): compile_name(entries) for name, entries in zonedata.items()}
        self.existing = {''}
        for name in self.nodes:
            while name != '':
                self.existing.add(name)
                name = name.partition('.')[2]

    def find(self, name):
        """The node answering for name; RFC 4592 §3.3.1 wildcard from the closest encloser."""
        if name in self.nodes or name in self.existing:
            return self.nodes.get(name)
        encloser = name.partition('.')[2]
        while encloser not in self.existing:
            encloser = encloser.partition('.')[2]
        return self.nodes.get('*.' + encloser if encloser else '*')

    def lookup(self, name, rrtype):
        """Records of rrtype at name after CNAMEs; [] for NXDOMAIN and NODATA, as pyspf's own
        dnspython driver returns both; a TIMEOUT or a CNAME loop raises spf.TempError."""
        name = normalize(name)
        for _ in range(MAX_CNAME_HOPS + 1):
            node = self.find(name)
            if node is None:
                return []
            if rrtype in node['timeouts']:
                raise spf.TempError('DNS timeout')
            if node['cname'] is None:
                return node['records'].get(rrtype, [])
            name = node['cname']
        raise spf.TempError('DNS CNAME loop')


def dns_lookup(zone):
    """spf.DNSLookup(name, qtype, strict, timeout): ((name, qtype), value) pairs in the shapes
    pyspf's dnspython driver yields: TXT a list of bytes strings, MX (preference, host), A and
    AAAA address text, PTR a host name without the trailing dot."""
    def lookup(name, qtype, strict=True, timeout=None):
        records = zone.lookup(name, qtype)
        if qtype == 'TXT':
            return [((name, qtype), [s.encode('latin-1') for s in strings]) for strings in records]
        return [((name, qtype), value) for value in records]
    return lookup


def check(ip, mail_from, helo):
    result, _code, detail = spf.query(i=ip, s=mail_from, h=helo, strict=True, querytime=20).check()
    return {'result': result, 'detail': detail}


def main():
    request = json.load(sys.stdin)
    spf.DNSLookup = dns_lookup(Zone(request['zone']))
    results = []
    for case in request['cases']:
        # MAIL FROM as given (pyspf checks postmaster@<HELO> for a null path, RFC 7208 §2.4),
        # and the HELO identity of §2.3, which pyspf checks for an empty sender.
        results.append({'mailfrom': check(case['ip'], case['mailFrom'], case['helo']), 'helo': check(case['ip'], '', case['helo'])})
    json.dump(results, sys.stdout)


main()
