#!/usr/bin/python3
"""Signs the messages in messages/ with dkimpy (Debian's python3-dkim), an implementation independent
of ours, and writes them to dkimpy/ with a manifest. Run once with Debian's python:

    /usr/bin/python3 test-fixtures/dkim/make-dkimpy-fixtures.py

The keys are keys/rsa2048.pem and keys/ed25519.pem, published in zone.yaml as the selectors rsa2048
and ed25519 of signer.example. The tests only read the output; they never need python.
"""
import base64
import json
import os
import re
import subprocess

import dkim

HERE = os.path.dirname(os.path.abspath(__file__))
DOMAIN = b'signer.example'


def rsa_key():
    # dkimpy reads PKCS#1 (RSAPrivateKey) PEM; the fixture key is PKCS#8.
    return subprocess.run(['openssl', 'pkey', '-traditional', '-in', os.path.join(HERE, 'keys', 'rsa2048.pem')],
                          check=True, capture_output=True).stdout


def ed25519_key():
    # dkimpy takes the 32-octet Ed25519 seed in base64: the tail of the PKCS#8 DER.
    pem = open(os.path.join(HERE, 'keys', 'ed25519.pem'), 'rb').read()
    der = base64.b64decode(b''.join(re.findall(rb'^[A-Za-z0-9+/=]+$', pem, re.M)))
    return base64.b64encode(der[-32:])


KEYS = {'rsa-sha256': (b'rsa2048', rsa_key()), 'ed25519-sha256': (b'ed25519', ed25519_key())}

# (algorithm, header/body canonicalization, l=)
VARIANTS = [
    ('rsa-sha256', 'relaxed/relaxed', False),
    ('rsa-sha256', 'simple/simple', False),
    ('ed25519-sha256', 'relaxed/simple', False),
    ('ed25519-sha256', 'simple/relaxed', False),
    ('rsa-sha256', 'relaxed/relaxed', True),
    ('ed25519-sha256', 'simple/simple', True),
]


def main():
    out_dir = os.path.join(HERE, 'dkimpy')
    os.makedirs(out_dir, exist_ok=True)
    manifest = []
    for name in sorted(os.listdir(os.path.join(HERE, 'messages'))):
        raw = open(os.path.join(HERE, 'messages', name), 'rb').read()
        stored_with_lf = b'\r\n' not in raw
        # dkimpy signs the message as it travels, with CRLF line ends (RFC 6376 §5.3).
        message = raw.replace(b'\n', b'\r\n') if stored_with_lf else raw
        for algorithm, canonicalization, length in VARIANTS:
            if name == 'no-final-crlf.eml' and canonicalization.endswith('/relaxed'):
                # dkimpy keeps white space at the end of a last line that has no CRLF; we drop it as
                # RFC 6376 §3.4.4 a. says for "the end of lines" (see the package README).
                continue
            selector, key = KEYS[algorithm]
            header_c, body_c = canonicalization.split('/')
            field = dkim.sign(message, selector, DOMAIN, key,
                              canonicalize=(header_c.encode(), body_c.encode()),
                              signature_algorithm=algorithm.encode(), length=length)
            signed = field + message
            assert dkim.verify(signed, dnsfunc=lambda _name, timeout=5: zone_txt(_name)), (name, algorithm)
            if stored_with_lf:
                # Stored as it was given, with Unix line ends: the verifier must restore CRLF.
                signed = signed.replace(b'\r\n', b'\n')
            file = '%s.%s.%s%s.eml' % (name[:-4], algorithm, canonicalization.replace('/', '-'), '.l' if length else '')
            open(os.path.join(out_dir, file), 'wb').write(signed)
            manifest.append({'file': file, 'message': name, 'algorithm': algorithm,
                             'canonicalization': canonicalization, 'bodyLength': length})
    with open(os.path.join(out_dir, 'manifest.json'), 'w') as f:
        json.dump({'generator': 'dkimpy %s' % dkim_version(), 'signatures': manifest}, f, indent=2)
        f.write('\n')


def zone_txt(name):
    """The TXT record of a selector from zone.yaml, for dkimpy's own check of what it signed."""
    wanted = name.decode().rstrip('.')
    text = open(os.path.join(HERE, 'zone.yaml')).read()
    block = re.search(r'^%s:\n((?:  .*\n)+)' % re.escape(wanted), text, re.M)
    return ''.join(json.loads(s) for s in re.findall(r'^      - (".*")$', block.group(1), re.M)).encode()


def dkim_version():
    try:
        from importlib.metadata import version
        return version('dkimpy')
    except Exception:
        return 'unknown'


if __name__ == '__main__':
    main()
