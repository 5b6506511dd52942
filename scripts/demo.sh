#!/usr/bin/env bash
# Set up filmgraph in .venv and run the main job on the bundled sample reviews:
# build the graph into .filmgraph/store, write out/filmgraph.ttl, print the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
pip() { .venv/bin/python -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
pip install -q --upgrade pip
pip install -q -e .
.venv/bin/filmgraph build data/reviews --export out/filmgraph.ttl --stats
