"""The HTML report in a real headless Chromium (Debian's `chromium` and `chromedriver`, installed by
.ci/run): every page loads without console errors, every link on it resolves, pictures and plots
render with a size, and screenshots of the index and of a target page are written for inspection.

Without Chromium the tests are skipped, unless BELEID_REQUIRE_BROWSER is set (CI sets it), so a
machine without a browser cannot pass them silently where they are required.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.report_helpers import write_bundled_report, write_fixture_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = ROOT / ".beleid" / "screenshots"

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("BELEID_REQUIRE_BROWSER"):
        raise RuntimeError(
            "BELEID_REQUIRE_BROWSER is set but chromium or chromedriver is not installed"
        )
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")

_LINKS_JS = """
const broken = [];
for (const a of document.querySelectorAll('a[href]')) {
  const url = new URL(a.getAttribute('href'), document.baseURI);
  if (url.protocol !== 'file:') continue;
  const same = url.pathname === location.pathname;
  if (url.hash && same && !document.getElementById(decodeURIComponent(url.hash.slice(1))))
    broken.push(a.getAttribute('href'));
}
return broken;
"""
_PICTURES_JS = """
return Array.from(document.querySelectorAll('svg.chart, svg.picture, img')).map(e => {
  const box = e.getBoundingClientRect();
  const marks = e.tagName === 'svg' ? e.querySelectorAll('polyline, circle, rect, path').length : 1;
  return [box.width, box.height, marks, e.tagName === 'IMG' ? e.naturalWidth : 1];
});
"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options
    )
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    with pytest.MonkeyPatch.context() as patch:
        assert write_fixture_report(out, patch) == 0
    return out


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser-bundled") / "site"
    with pytest.MonkeyPatch.context() as patch:
        assert write_bundled_report(out, patch) == 0
    return out


def visit(browser, page: Path) -> dict:
    """Load a page; its console messages, broken same-page anchors and rendered pictures."""
    browser.get_log("browser")  # forget what earlier pages logged
    browser.get(page.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    return {
        "console": [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")],
        "broken": browser.execute_script(_LINKS_JS),
        "pictures": browser.execute_script(_PICTURES_JS),
        "title": browser.title,
    }


def test_every_page_of_the_fixture_site_loads_cleanly(browser, fixture_site):
    pages = sorted(fixture_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        seen = visit(browser, page)
        assert seen["console"] == [], f"{page.relative_to(fixture_site)}: {seen['console']}"
        assert seen["broken"] == [], f"{page.relative_to(fixture_site)}: {seen['broken']}"
        assert seen["title"], page


def test_the_browser_check_sees_a_console_error(browser, fixture_site, tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><title>t</title><link rel="icon" href="data:,"><img src="missing.png">',
        encoding="utf-8",
    )
    assert visit(browser, page)["console"], "a missing image must show as a console error"


def test_every_linked_page_of_the_fixture_site_opens(browser, fixture_site):
    """Follow every link on the Dutch and English index and monitoring pages in the browser."""
    for start in (
        "nl/index.html",
        "en/index.html",
        "nl/monitoring.html",
        "en/monitoring.html",
        "index.html",
    ):
        browser.get((fixture_site / start).as_uri())
        targets = browser.execute_script(
            "return Array.from(document.querySelectorAll('a[href]'), a => a.href)"
        )
        for target in sorted(set(targets)):
            browser.get(target)
            assert "ERR_FILE_NOT_FOUND" not in browser.page_source, (
                f"{start} links to missing {target}"
            )


def test_key_pages_of_the_bundled_site_load_cleanly(browser, bundled_site):
    pages = [
        "index.html",
        "nl/index.html",
        "en/monitoring.html",
        "nl/monitoring.html",
        "nl/theme-stikstof.html",
        "en/theme-programmas.html",
        "en/actors.html",
        "nl/timeline.html",
        "en/history.html",
        "nl/budgets.html",
        "en/findings.html",
        "nl/target-nh3_landbouw_2035.html",
        "nl/source-vervolgpakket.html",
    ]
    for page in pages:
        seen = visit(browser, bundled_site / page)
        assert seen["console"] == [] and seen["broken"] == [], (
            page,
            seen["console"],
            seen["broken"],
        )


def test_plots_and_pictures_render(browser, fixture_site):
    seen = visit(browser, fixture_site / "en" / "target-nh3_2035.html")
    plots = seen["pictures"]
    assert plots, "the target page has no plot"
    width, height, marks, natural = plots[0]
    assert width > 200 and height > 100 and marks >= 6 and natural > 0
    seen = visit(browser, fixture_site / "nl" / "theme-valid.html")
    assert len(seen["pictures"]) >= 5  # a dependency picture per connected declaration
    assert all(w > 100 and h > 30 and marks >= 2 for w, h, marks, _ in seen["pictures"])


def test_screenshots_of_the_index_and_a_target_page(browser, bundled_site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    blank = SCREENSHOTS / "blank.png"
    browser.get("about:blank")
    browser.save_screenshot(str(blank))
    for name, page in (("index", "nl/index.html"), ("target", "nl/target-nh3_landbouw_2035.html")):
        shot = SCREENSHOTS / f"{name}.png"
        browser.get((bundled_site / page).as_uri())
        assert browser.save_screenshot(str(shot))
        width, height, colours = _png_summary(shot.read_bytes())
        assert (width, height) == _png_summary(blank.read_bytes())[:2]
        assert colours > 20, f"{shot} looks blank ({colours} colours)"
    blank.unlink()


def _png_summary(data: bytes) -> tuple[int, int, int]:
    """Width, height and how many distinct byte groups a sample of the (row-filtered) image data
    holds: a blank page gives one or two, a page with text and pictures many.
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour_type = struct.unpack(">IIBB", data[16:26])
    chunks, position = [], 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if kind == b"IDAT":
            chunks.append(data[position + 8 : position + 8 + length])
        position += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    channels = {2: 3, 6: 4}.get(colour_type, 1) * depth // 8
    stride = width * channels + 1
    sample = {
        raw[row * stride + 1 + col * channels : row * stride + 1 + (col + 1) * channels]
        for row in range(0, height, 7)
        for col in range(0, width, 5)
    }
    return width, height, len(sample)
