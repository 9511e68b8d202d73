#!/usr/bin/env bash
# The test suite talks to real peers from Debian: Knot (authoritative DNS on loopback), Postfix
# (the downstream mail server of the SMTP filter), swaks (a real SMTP client) and independent
# implementations in Python and Perl. Install the ones that are missing; the tests themselves start and
# stop the servers on free loopback ports.
set -euo pipefail

# Debian packages the tests use: Knot, Postfix, swaks; python3-authres and python3-spf read
# and write the header fields in the authres interop test; python3-dkim (with dnspython) checks
# DKIM after the filter relays a message; bsdutils has script(1) for the CLI's
# terminal tests; libmail-dmarc-perl (Mail::DMARC) is the second RFC 7489 opinion in the DMARC
# differential, and publicsuffix the Public Suffix List it reads there; libmail-dkim-perl
# (Mail::DKIM) verifies the generated corpus of the live DKIM differential.
peers=(knot postfix swaks python3-authres python3-spf python3-dkim python3-dnspython bsdutils libmail-dmarc-perl publicsuffix libmail-dkim-perl)
missing=()
for package in "${peers[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "authgate tests need these Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing test peers: ${missing[*]}" >&2
# Postfix must not ask questions or start a system instance: the tests run private ones.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
