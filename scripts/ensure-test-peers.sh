#!/usr/bin/env bash
# The test suite talks to real peers from Debian: Knot (authoritative DNS on loopback), Postfix
# (the downstream mail server of the SMTP filter) and swaks (a real SMTP client). Install the
# ones that are missing; the tests themselves start and stop them on free loopback ports.
set -euo pipefail

declare -A package_of=([/usr/sbin/knotd]=knot [/usr/sbin/postfix]=postfix [/usr/bin/swaks]=swaks)
missing=()
for binary in "${!package_of[@]}"; do
  [ -x "$binary" ] || missing+=("${package_of[$binary]}")
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
