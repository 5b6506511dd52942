"""Build the sample reviews (and the seed One Second review, when ../shared is there) into a fresh
store with the real CLI, draw each view preset, open it in headless Chromium, save a PNG of each.

    PYTHONPATH=src python scripts/view_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
SEED = REPO.parent / "shared" / "seed" / "one-second-review.txt"

PRESETS = {
    "whole-graph": [],
    "director-zhang-yimou": ["--director", "Zhang Yimou"],
    "film-hero-cast": ["--film", "Hero"],
    "review-one-second": ["--review", "one-second-2021-by-john-li"],
    "focus-gong-li": ["--focus", "Gong Li", "--depth", "2"],
    "query-film-people": ["--query", "film-people"],
}
#: the node selected in a screenshot, so the details panel shows facts, Wikidata link and evidence
SELECT = {"director-zhang-yimou": "Zhang Yimou", "review-one-second": "Cinema Paradiso",
          "film-hero-cast": "Hero", "focus-gong-li": "Gong Li"}


def main() -> int:
    from browser_support import console_errors, open_view, requested_urls, start_browser, stop_browser

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cli = [sys.executable, "-m", "filmgraph"]
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        inputs = [str(REPO / "data" / "reviews")] + ([str(SEED)] if SEED.exists() else [])
        subprocess.run(cli + ["--store", str(store), "--quiet", "build", *inputs], env=env, check=False)
        driver, profile = start_browser(1400, 900)
        try:
            for name, options in PRESETS.items():
                page = Path(tmp) / f"{name}.html"
                done = subprocess.run(cli + ["--store", str(store), "view", "-o", str(page), *options],
                                      env=env, capture_output=True, text=True)
                print(f"{name}: {(done.stderr or done.stdout).strip()}")
                if done.returncode != 0:
                    continue
                requested_urls(driver)
                open_view(driver, page)
                if name in SELECT:
                    driver.execute_script(
                        "var v = window.filmgraphView, id = v.find(arguments[0]); if (id !== null) v.selectNode(id);",
                        SELECT[name])
                time.sleep(0.5)
                outside = [u for u in requested_urls(driver) if not u.startswith(("file:", "data:", "blob:", "about:"))]
                errors = console_errors(driver)
                if outside or errors:
                    print(f"  problem: outside requests {outside}, console errors {errors}")
                driver.save_screenshot(str(args.out / f"{name}.png"))
        finally:
            stop_browser(driver, profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
