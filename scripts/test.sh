#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine with python3, then run them.
# System packages: raptor2-utils (rapper checks our Turtle), chromium + chromium-driver (views are
# tested in a real browser), virtuoso-opensource (a real SPARQL server for remote-store tests).
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PACKAGES="raptor2-utils chromium chromium-driver virtuoso-opensource"
missing=""
for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "installing system packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
pip() { .venv/bin/python -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
pip install -q --upgrade pip
pip install -q -e '.[test]'
exec .venv/bin/python -m pytest -q "$@"
