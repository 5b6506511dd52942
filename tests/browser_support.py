"""Headless Chromium for view tests: Debian's chromium + chromedriver, network off, requests logged."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def browser_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not (CHROMIUM.exists() or shutil.which("chromium")):
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if not (CHROMEDRIVER.exists() or shutil.which("chromedriver")):
        return "chromedriver is not installed (apt-get install chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    return None


def start_browser(width: int = 1400, height: int = 900, offline: bool = True):
    """A headless Chromium that cannot reach any host, logging console messages and requests.

    ``offline`` also cuts loopback (DevTools network emulation); without it, only 127.0.0.1 is
    reachable (every other request goes to a closed proxy port), for pages served locally.

    Returns ``(driver, profile_dir)``; quit the driver and remove the directory when done.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="fg-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-extensions", "--disable-default-apps",
                 f"--user-data-dir={profile}", f"--window-size={width},{height}",
                 # every request goes to a closed port on loopback and fails; "<-loopback>" sends
                 # loopback there too, unless pages are served from 127.0.0.1 (offline=False)
                 "--proxy-server=127.0.0.1:9",
                 "--proxy-bypass-list=<-loopback>" if offline else "--proxy-bypass-list=127.0.0.1",
                 "--allow-file-access-from-files"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(str(CHROMEDRIVER if CHROMEDRIVER.exists() else shutil.which("chromedriver")))
    driver = webdriver.Chrome(options=opts, service=service)
    driver.execute_cdp_cmd("Network.enable", {})
    if offline:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
    # record alert() calls instead of blocking on a dialog (runs before any page script)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "window.__fgAlerts = []; for (const f of ['alert', 'confirm', 'prompt'])"
        " window[f] = (m) => { window.__fgAlerts.push(String(m)); };")})
    return driver, profile


def stop_browser(driver, profile: str) -> None:
    try:
        driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:
    """Every URL the page asked for since the last call (from the DevTools performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def open_view(driver, path: Path | str, timeout: float = 60.0, url_given: bool = False) -> None:
    """Open a view (a file, or a URL with ``url_given``) and wait until its layout has settled."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(str(path) if url_given else Path(path).resolve().as_uri())
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return !!(window.filmgraphView && window.filmgraphView.state.stabilized)"))
