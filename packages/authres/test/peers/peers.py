"""Independent implementations for the interop tests of @authgate/authres.

Runs Debian's python3-authres (Authentication-Results) and python3-spf (pyspf, Received-SPF)
on cases read as JSON from stdin and writes their answers as JSON to stdout:

    {"command": "authres-parse", "cases": [value, ...]}
    {"command": "authres-build", "cases": [AuthenticationResults data, ...]}
    {"command": "spf-header", "cases": [{"ip", "sender", "helo", "receiver", "record"}, ...]}
    {"command": "spf-parse", "cases": [value, ...]}
"""
import json
import sys

import authres
import spf


def authres_parse(value):
    try:
        header = authres.AuthenticationResultsHeader.parse_value(value)
    except Exception as error:  # the peer's verdict, reported as data
        return {'ok': False, 'error': '%s: %s' % (type(error).__name__, error)}
    results = []
    for r in header.results:
        results.append({
            'method': r.method, 'version': r.version, 'result': r.result, 'reason': r.reason,
            'properties': [{'ptype': p.type, 'property': p.name, 'value': p.value} for p in r.properties],
        })
    return {'ok': True, 'authservId': header.authserv_id, 'version': header.version, 'results': results}


def authres_build(data):
    results = []
    for r in data['results']:
        properties = [authres.AuthenticationResultProperty(p['ptype'], p['property'], p['value'], p.get('comment'))
                      for p in r['properties']]
        version = str(r['version']) if 'version' in r else None
        results.append(authres.result(r['method'], version, r['result'], r.get('comment'), r.get('reason'), None, properties))
    header = authres.AuthenticationResultsHeader(authserv_id=data['authservId'], results=results)
    return str(header)


def spf_header(case):
    query = spf.query(i=case['ip'], s=case['sender'], h=case['helo'], receiver=case['receiver'])
    result, _code, _explanation = query.check(spf=case['record'])
    return {'result': result, 'header': query.get_header(result)}


def spf_parse(value):
    query = spf.query('0.0.0.0', '', '')
    extra = query.parse_header_spf(value)
    return {
        'result': query.result, 'comment': getattr(query, 'comment', None), 'clientIp': query.c,
        'envelopeFrom': query.s, 'helo': query.h, 'receiver': query.r, 'mechanism': query.mechanism,
        'identity': getattr(query, 'ident', None), 'extra': extra,
    }


COMMANDS = {'authres-parse': authres_parse, 'authres-build': authres_build, 'spf-header': spf_header, 'spf-parse': spf_parse}

request = json.load(sys.stdin)
json.dump([COMMANDS[request['command']](case) for case in request['cases']], sys.stdout)
