#!/usr/bin/env bash
# Set up filmgraph in .venv and run the main job on the bundled sample reviews:
# build the graph into .filmgraph/store, write out/filmgraph.ttl, print the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
.venv/bin/filmgraph build data/reviews --export out/filmgraph.ttl --stats
