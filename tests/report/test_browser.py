"""report.html checked as a reader would: rendered in headless Chromium.

The test renders the full test report (tests/conftest.py, full_report: every section, figure and
table) and fails on console errors, failed or external loads, images that do not decode, an
empty page, a page wider than a laptop screen, or headline numbers that differ from
summary.json; it prints the page to PDF with the print stylesheet and checks the page breaks.
The screenshot (``report.png``) and the PDF are saved in the test's temporary folder, and also
in ``$HECON_SCREENSHOT_DIR`` when that is set (e.g. as CI artefacts).

Chromium is driven with the DevTools protocol over ``--remote-debugging-pipe`` (JSON messages
separated by NUL bytes on file descriptors 3 and 4): no network port, no WebSocket, no
third-party package. The test is skipped when no Chromium is installed, unless
``HECON_REQUIRE_BROWSER=1`` (set by .ci/run, which installs Debian's ``chromium``): then a
missing browser is a failure.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import time
from typing import Any

import numpy as np
import pytest
from PIL import Image

from hecon.analysis.summary import frontier_text
from hecon.report.figures import Figure
from hecon.report.html import format_value
from hecon.report.style import DPI
from tests.report.test_report_files import SECTION_TITLES

# ----------------------------------------------------------------------------------------
# a minimal DevTools-protocol driver
# ----------------------------------------------------------------------------------------

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


def find_chromium() -> str | None:
    """Path of a Chromium (or Chrome) executable on PATH, or None."""
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class ProtocolError(RuntimeError):
    pass


class Chromium:
    """A headless browser process driven over the DevTools pipe."""

    def __init__(self, executable: str | None = None, timeout: float = 60.0):
        self.executable = executable or find_chromium()
        if self.executable is None:
            raise FileNotFoundError("no chromium executable on PATH")
        self.timeout = timeout
        self._id = 0
        self._buffer = b""
        self.events: list[dict] = []

    # -- process --------------------------------------------------------------------
    def __enter__(self) -> Chromium:
        self._profile = tempfile.mkdtemp(prefix="hecon-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def child_fds() -> None:  # the protocol expects commands on fd 3 and replies on fd 4
            r, w = os.dup(to_browser_r), os.dup(from_browser_w)  # copies: dup2 below cannot clobber them
            os.dup2(r, 3)
            os.dup2(w, 4)
            os.set_inheritable(3, True)  # (dup2 onto the same number keeps close-on-exec)
            os.set_inheritable(4, True)

        self._proc = subprocess.Popen(
            [self.executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=child_fds,
            close_fds=False,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._from_browser, selectors.EVENT_READ)
        return self

    def __exit__(self, *exc: Any) -> None:
        with contextlib.suppress(OSError):
            self._send("Browser.close")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._selector.close()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)

    # -- protocol -------------------------------------------------------------------
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._id

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(timeout=left):
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise ProtocolError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and return its result (events that arrive meanwhile are kept)."""
        wanted = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._read(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise ProtocolError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, session: str | None = None, timeout: float | None = None) -> dict:
        """The first event ``event`` (of ``session``), waiting for it if it has not come yet."""
        deadline = time.monotonic() + (timeout or self.timeout)
        for e in self.events:
            if e.get("method") == event and (session is None or e.get("sessionId") == session):
                return e
        while True:
            message = self._read(deadline)
            if "id" not in message:
                self.events.append(message)
                if message.get("method") == event and (session is None or message.get("sessionId") == session):
                    return message

    def open(self, url: str, width: int = 1280, height: int = 900) -> Page:
        """A new tab showing ``url``, loaded (load event fired), with console, log and network
        events recorded."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self.call(f"{domain}.enable", session=session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        self.call("Page.navigate", {"url": url}, session)
        self.wait_for("Page.loadEventFired", session)
        return Page(self, session, width, height)


class Page:
    def __init__(self, browser: Chromium, session: str, width: int, height: int):
        self.browser, self.session, self.width, self.height = browser, session, width, height

    def call(self, method: str, params: dict | None = None) -> dict:
        return self.browser.call(method, params, self.session)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable values)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise ProtocolError(f"JavaScript error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def _events(self, method: str) -> list[dict]:
        return [e for e in self.browser.events if e.get("sessionId") == self.session and e.get("method") == method]

    def console_errors(self) -> list[str]:
        """Console errors and warnings of level error, uncaught exceptions and failed loads."""
        out = []
        for e in self._events("Runtime.consoleAPICalled"):
            if e["params"]["type"] in ("error", "assert"):
                out.append(
                    "console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in e["params"]["args"])
                )
        for e in self._events("Runtime.exceptionThrown"):
            out.append("exception: " + json.dumps(e["params"]["exceptionDetails"])[:500])
        for e in self._events("Log.entryAdded"):
            if e["params"]["entry"]["level"] == "error":
                out.append("log: " + e["params"]["entry"].get("text", ""))
        for e in self._events("Network.loadingFailed"):
            out.append("failed load: " + e["params"].get("errorText", ""))
        return out

    def requested_urls(self) -> list[str]:
        """Every URL the page requested (the page itself included)."""
        return [e["params"]["request"]["url"] for e in self._events("Network.requestWillBeSent")]

    def screenshot(self, full_page: bool = True, max_height: int = 100_000) -> bytes:
        """A PNG of the viewport, or of the whole page (up to ``max_height`` CSS pixels)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            height = int(self.evaluate("document.documentElement.scrollHeight"))
            params["clip"] = {"x": 0, "y": 0, "width": self.width, "height": min(height, max_height), "scale": 1}
            params["captureBeyondViewport"] = True
        return base64.b64decode(self.call("Page.captureScreenshot", params)["data"])

    def pdf(self) -> bytes:
        """The page printed to PDF with its print stylesheet (A4)."""
        result = self.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
        return base64.b64decode(result["data"])


# ----------------------------------------------------------------------------------------
# the tests
# ----------------------------------------------------------------------------------------

CHROMIUM = find_chromium()
REQUIRED = os.environ.get("HECON_REQUIRE_BROWSER", "") not in ("", "0")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED,
    reason="headless Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)",
)
LAPTOP = (1280, 800)

# what the page tells the test, read in the browser after layout
_PROBE = """JSON.stringify({
  images: Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, width: i.naturalWidth,
                                                 shown: i.getBoundingClientRect().width})),
  text: document.body.innerText.length,
  height: document.documentElement.scrollHeight,
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  sections: Array.from(document.querySelectorAll('main > section > h2')).map(h => h.innerText),
  brokenLinks: Array.from(document.querySelectorAll('a[href^="#"]'))
                    .filter(a => !document.getElementById(a.getAttribute('href').slice(1))).length,
  headline: Object.fromEntries(Array.from(document.querySelectorAll('#key-results tbody tr')).map(
      tr => [tr.dataset.row, Object.fromEntries(Array.from(tr.querySelectorAll('td[data-field]')).map(
          td => [td.dataset.field, td.innerText.trim()]))])),
  keyVisible: document.getElementById('key_results').getBoundingClientRect().top < window.innerHeight * 2,
  fontPx: parseFloat(getComputedStyle(document.body).fontSize),
  tableFontPx: Math.min(...Array.from(document.querySelectorAll('td')).slice(0, 400)
                                .map(td => parseFloat(getComputedStyle(td).fontSize)))
})"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, full_report, read_summary):
    """The full report, opened in Chromium at laptop size: page probe, screenshot and PDF."""
    if CHROMIUM is None:
        pytest.fail("HECON_REQUIRE_BROWSER is set but no chromium is installed (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("browser")
    folder, _ = full_report
    summary = read_summary(folder)
    with Chromium(CHROMIUM) as browser:
        page = browser.open((folder / "report.html").as_uri(), *LAPTOP)
        probe = json.loads(page.evaluate(_PROBE))
        screenshot = page.screenshot(full_page=True)
        pdf = page.pdf()
        errors = page.console_errors()
        urls = page.requested_urls()
    (tmp / "report.png").write_bytes(screenshot)
    (tmp / "report.pdf").write_bytes(pdf)
    target = os.environ.get("HECON_SCREENSHOT_DIR")
    if target:
        os.makedirs(target, exist_ok=True)
        shutil.copy(tmp / "report.png", target)
        shutil.copy(tmp / "report.pdf", target)
    print(f"\nscreenshot: {tmp / 'report.png'}\nPDF: {tmp / 'report.pdf'}")
    return {
        "probe": probe,
        "screenshot": screenshot,
        "pdf": pdf,
        "errors": errors,
        "urls": urls,
        "summary": summary,
        "html": (folder / "report.html").read_text(encoding="utf-8"),
    }


def test_no_console_errors_and_no_network(rendered):
    assert rendered["errors"] == []
    assert rendered["urls"] and rendered["urls"][0].startswith("file://")
    assert all(u.startswith(("file://", "data:")) for u in rendered["urls"]), rendered["urls"]


def test_every_image_decodes_and_is_shown(rendered):
    images = rendered["probe"]["images"]
    assert len(images) == rendered["html"].count("<img ") >= 12
    for img in images:
        assert img["complete"] and img["width"] > 0, img["alt"]
        assert 300 <= img["shown"] <= LAPTOP[0], img  # fits the laptop screen, large enough to read
        assert img["alt"]


def test_page_is_full_and_fits_a_laptop_screen(rendered):
    probe = rendered["probe"]
    assert probe["text"] > 5000 and probe["height"] > 5000
    assert [re.sub(r"^\d+\.\s*", "", s) for s in probe["sections"]] == SECTION_TITLES
    assert probe["brokenLinks"] == 0
    assert probe["overflow"] <= 0  # wide tables scroll inside their box, the page does not
    assert probe["keyVisible"]
    assert probe["fontPx"] >= 15 and probe["tableFontPx"] >= 11
    image = Image.open(io.BytesIO(rendered["screenshot"]))
    assert image.size[0] == LAPTOP[0] and image.size[1] > 5000
    grey = np.asarray(image.convert("L").resize((64, 512)))
    assert grey.min() < 100  # not a blank page: there is dark text
    assert (grey < 250).mean() > 0.05


def test_headline_numbers_equal_summary_json(rendered):
    headline = rendered["probe"]["headline"]
    base = rendered["summary"]["scenarios"]["base case"]
    versus = {r["strategy"]: r for r in base["versus_comparator"]}
    frontier = {r["strategy"]: r for r in base["incremental"]}
    assert list(headline) == list(base["strategies"])
    for s, v in base["strategies"].items():
        shown = headline[s]
        assert shown["costs"] == format_value(v["costs"], "money")
        assert float(shown["costs"].replace(",", "")) == pytest.approx(v["costs"], abs=0.5)
        assert float(shown["qalys"]) == pytest.approx(v["qalys"], abs=5e-4)
        assert float(shown["lys"]) == pytest.approx(v["lys"], abs=5e-4)
        if s in versus:
            r = versus[s]
            assert float(shown["incremental_cost"].replace(",", "")) == pytest.approx(r["incremental_cost"], abs=0.5)
            assert float(shown["incremental_qalys"]) == pytest.approx(r["incremental_effect"], abs=5e-4)
            assert shown["versus"] == r["description"]  # the ICER in words, with its dominance status
        else:
            assert shown["versus"] == "Comparator" and shown["incremental_cost"] == "–"
        f = frontier[s]
        words = frontier_text(
            f["status"],
            f["comparator"],
            f["incremental_cost"],
            f["incremental_effect"],
            rendered["summary"]["currency"],
        )
        assert shown["frontier"] == words


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


_HIDE_APPENDICES = (
    "(() => { const s = document.createElement('style'); s.id = 'hide-appendices';"
    " s.textContent = '@media print { section.appendix { display: none !important; } }';"
    " document.head.appendChild(s); return 1; })()"
)
_SHOW_APPENDICES = "(() => { document.getElementById('hide-appendices').remove(); return 1; })()"


MIN_PRINTED_PT = 7.0
"""Smallest text of a printed figure [points] that a reader reads without a magnifier."""
_IMAGES = """JSON.stringify(Array.from(document.images).map((img, i) => ({
  index: i, main: img.closest('section.main') !== null, width: img.getBoundingClientRect().width,
  title: img.closest('figure').querySelector('figcaption b').innerText})))"""


def print_width_px(html: str) -> int:
    """Width of the printed text column [CSS pixels, 96 per inch]: A4 (210 mm) less the side
    margins of the print stylesheet's @page rule."""
    margins = re.search(r"@page\s*{\s*size:\s*A4;\s*margin:\s*([\d.]+)mm\s+([\d.]+)mm", html)
    assert margins is not None
    return round((210.0 - 2 * float(margins[2])) / 25.4 * 96)


@pytest.fixture(scope="module")
def printed_example(rrmm_report):
    """The shipped example's report (the RRMM model, as `make run` reports it but with fewer PSA
    samples and without scenarios, which are appendices) printed to PDF: whole, and with the
    appendices hidden (its main part); and its figures as laid out for print (print media, the page's
    text width): title, PNG, printed width [CSS pixels] and whether it is in the main part."""
    if CHROMIUM is None:
        pytest.fail("HECON_REQUIRE_BROWSER is set but no chromium is installed (apt-get install chromium)")
    folder, _ = rrmm_report
    html = (folder / "report.html").read_text(encoding="utf-8")
    pngs = [base64.b64decode(m) for m in re.findall(r'<img src="data:image/png;base64,([^"]+)"', html)]
    with Chromium(CHROMIUM) as browser:
        page = browser.open((folder / "report.html").as_uri(), *LAPTOP)
        pdf = page.pdf()
        page.evaluate(_HIDE_APPENDICES)
        main = page.pdf()
        page.evaluate(_SHOW_APPENDICES)  # the figures of the appendices are measured too
        page.call("Emulation.setEmulatedMedia", {"media": "print"})
        page.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": print_width_px(html), "height": 1100, "deviceScaleFactor": 1, "mobile": False},
        )
        images = json.loads(page.evaluate(_IMAGES))
    figures = [(i["title"], pngs[i["index"]], i["width"], i["main"]) for i in images]
    return {"pdf": pdf, "main": main, "html": html, "figures": figures}


def test_the_example_prints_its_main_part_in_at_most_15_pages_and_each_appendix_on_its_own(printed_example):
    """The print stylesheet: the main part flows (figures one under the other, at a legible size),
    each appendix starts a page of its own. The main part is measured by printing the page again with the appendices
    hidden."""
    pdf, main, html = printed_example["pdf"], printed_example["main"], printed_example["html"]
    assert pdf.startswith(b"%PDF") and main.startswith(b"%PDF")
    appendices = html.count('class="appendix"')
    assert appendices >= 5
    assert _pages(main) <= 15
    assert _pages(pdf) >= _pages(main) + appendices


def test_every_figure_prints_its_text_at_7_points_or_more(printed_example):
    """Each figure's smallest text (its size in the figure, recorded in the PNG when it was drawn)
    scaled by the figure's printed width over its own width (PNG pixels / DPI), in the main part and in
    the appendices (the Q-TWiST figure was 51.6 inches wide, its text printed at 1 point)."""
    figures = printed_example["figures"]
    assert len(figures) >= 8
    assert any(main for *_, main in figures) and not all(main for *_, main in figures)
    for title, data, width_px, _ in figures:
        figure = Figure(title, data)
        assert figure.smallest_text_pt is not None, title
        printed_pt = figure.smallest_text_pt * (width_px / 96) / (figure.size[0] / DPI)
        assert printed_pt >= MIN_PRINTED_PT, (title, round(printed_pt, 2))
        print(f"{title}: smallest text {printed_pt:.1f} pt printed")


def test_every_appendix_comes_after_the_main_part(printed_example):
    kinds = re.findall(r'<section id="[^"]+" class="(main|appendix)">', printed_example["html"])
    first = kinds.index("appendix")
    assert "main" in kinds[:first] and set(kinds[first:]) == {"appendix"}, kinds
