#!/usr/bin/env bash
# Set up filmgraph in .venv and run the main job on the bundled sample reviews: read them, extract
# what their text says, link to Wikidata from the bundled offline snapshot, store the graph in
# .filmgraph/store, write out/filmgraph.ttl, print the counts, and draw one interactive view.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
pip() { .venv/bin/python -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
pip install -q --upgrade pip
pip install -q -e .
.venv/bin/filmgraph build data/reviews --export out/filmgraph.ttl --stats
.venv/bin/filmgraph view --director "Zhang Yimou" -o out/zhang-yimou.html
echo "open out/zhang-yimou.html in a browser; try: .venv/bin/filmgraph query --list"
