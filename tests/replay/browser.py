"""A real headless Chromium driven by the system chromedriver (nothing is downloaded), and a page loader."""

from __future__ import annotations

import json
import os

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1800", "--autoplay-policy=no-user-gesture-required"]


def start_browser(profile_dir):
    """One real headless Chromium for the module, driven by the system chromedriver (nothing downloaded)."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail("chromium and chromium-driver are missing; run scripts/setup.sh (it installs them)")
    os.environ["SE_OFFLINE"] = "true"  # selenium-manager must never fetch a driver or browser
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile_dir}"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def open_page(driver, path):
    """Load a report, wait until its audio metadata is in, and return (console errors, requested URLs).

    The URLs are every request the page made, plus any request to the network from anywhere in the
    browser (chrome:// pages of a fresh profile load internal resources, which are not the network).
    """
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser"), driver.get_log("performance")  # drop what earlier pages logged
    driver.get(path.as_uri())
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return document.readyState==='complete' && [...document.querySelectorAll('audio')].every(a => a.readyState >= 1)"))
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if msg["params"].get("documentURL") == path.as_uri() or url.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp"):
                urls.append(url)
    return errors, urls
