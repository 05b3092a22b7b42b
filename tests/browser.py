"""Headless Chromium for the tests: open a local page with the network off, then read and act.

Selenium drives Debian's `chromium` through its `chromedriver` (both installed by
`.ci/install-readers`). The browser gets a throw-away profile, and every request that would leave
the machine fails three ways over: host names resolve to nothing, http(s) goes to a dead proxy, and
DevTools puts the page offline. Only `file:` pages are meant to be opened.

Where the browser or Selenium is missing, a test that asks for it is skipped, except under CI
(the `CI` environment variable set), where it fails: CI must never pass by skipping the readers.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("TIMELINE_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("TIMELINE_CHROMEDRIVER", "/usr/bin/chromedriver"))
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)
INSTALL_HINT = (
    "run `bash .ci/install-readers` (as root) to install Chromium, chromedriver and selenium"
)


def unavailable(reason: str) -> None:
    """Skip the test here; fail it under CI, which must run every reader test."""
    message = f"{reason}; {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class Browser:
    """One headless Chromium window, driven by Selenium."""

    def __init__(self, width: int = 1366, height: int = 900) -> None:
        if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
            unavailable(f"no {CHROMIUM} or {CHROMEDRIVER}")
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError:
            unavailable("selenium is not installed")
        self._profile = tempfile.mkdtemp(prefix="timeline-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (*FLAGS, f"--user-data-dir={self._profile}", f"--window-size={width},{height}"):
            options.add_argument(flag)
        # An alert stays open for the test to find instead of being dismissed behind its back.
        options.unhandled_prompt_behavior = "ignore"
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        try:
            self.driver = webdriver.Chrome(
                service=Service(executable_path=str(CHROMEDRIVER)), options=options
            )
        except Exception as error:
            shutil.rmtree(self._profile, ignore_errors=True)
            unavailable(f"Chromium did not start: {error}")
        self.driver.set_page_load_timeout(30)
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )
        self._console: list[dict[str, Any]] = []
        self._requests: list[str] = []

    # Pages

    def open(
        self, path: Path, *, ready: str | None = None, fragment: str = "", timeout: float = 20
    ) -> None:
        """Load a local file; wait until the JavaScript expression `ready` is true, if given."""
        from selenium.webdriver.support.ui import WebDriverWait

        self._drain()
        self._console.clear()
        self._requests.clear()
        self.driver.get(path.resolve().as_uri() + (f"#{fragment}" if fragment else ""))
        if ready is not None:
            WebDriverWait(self.driver, timeout).until(
                lambda driver: driver.execute_script(f"return Boolean({ready});")
            )

    def resize(self, width: int, height: int) -> None:
        self.driver.set_window_size(width, height)

    def run(self, script: str, *args: Any) -> Any:
        """Run JavaScript in the page (DevTools, not subject to the page's CSP); return its value."""
        return self.driver.execute_script(script, *args)

    @property
    def title(self) -> str:
        return str(self.driver.title)

    # The DOM

    def all(self, selector: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, selector))

    def one(self, selector: str) -> Any:
        found = self.all(selector)
        assert found, f"nothing matches {selector!r}"
        return found[0]

    def visible(self, selector: str) -> list[Any]:
        """The elements matching `selector` that are rendered (not hidden, not display: none)."""
        return list(
            self.run(
                "return [...document.querySelectorAll(arguments[0])]"
                ".filter((element) => element.checkVisibility());",
                selector,
            )
        )

    def attributes(self, selector: str, name: str, *, visible_only: bool = False) -> list[str]:
        """Attribute `name` of every element matching `selector`, in one round trip."""
        return list(
            self.run(
                "return [...document.querySelectorAll(arguments[0])]"
                ".filter((element) => !arguments[2] || element.checkVisibility())"
                ".map((element) => element.getAttribute(arguments[1]));",
                selector,
                name,
                visible_only,
            )
        )

    def click(self, target: Any) -> None:
        """Click an element (or the first match of a CSS selector) as a person would."""
        element = self.one(target) if isinstance(target, str) else target
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', inline: 'center'});", element
        )
        element.click()

    def choose(self, selector: str, value: str) -> None:
        """Pick the option with `value` in a <select>."""
        from selenium.webdriver.support.ui import Select

        Select(self.one(selector)).select_by_value(value)

    def alert_text(self) -> str | None:
        """The text of an open alert, confirm or prompt, or None."""
        from selenium.common.exceptions import NoAlertPresentException

        try:
            return str(self.driver.switch_to.alert.text)
        except NoAlertPresentException:
            return None

    # What happened

    def _drain(self) -> None:
        with contextlib.suppress(Exception):
            self._console.extend(self.driver.get_log("browser"))
        with contextlib.suppress(Exception):
            for entry in self.driver.get_log("performance"):
                message = json.loads(entry["message"])["message"]
                if message.get("method") == "Network.requestWillBeSent":
                    self._requests.append(str(message["params"]["request"]["url"]))

    def console(self) -> list[dict[str, Any]]:
        """Every console message since the page was opened."""
        self._drain()
        return list(self._console)

    def console_errors(self) -> list[str]:
        return [str(entry["message"]) for entry in self.console() if entry["level"] == "SEVERE"]

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for since it was opened, the page's own included."""
        self._drain()
        return list(self._requests)

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        assert self.driver.save_screenshot(str(path)), f"could not save {path}"
        return path

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.driver.quit()
        shutil.rmtree(self._profile, ignore_errors=True)


@contextlib.contextmanager
def launch(width: int = 1366, height: int = 900) -> Iterator[Browser]:
    browser = Browser(width, height)
    try:
        yield browser
    finally:
        browser.close()
