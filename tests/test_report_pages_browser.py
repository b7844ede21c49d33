"""Every page kind of the bundled report, in both languages, as a reader sees it in headless
Chromium at 1,280 px and at 390 px (a phone): nothing wider than the window, no console error,
every budget table with rows, and no serious or critical WCAG 2.1 A/AA violation found by axe-core
(vendored in tests/vendor/axe-core, injected into the page; nothing is fetched).

Links and the words on every page are checked without a browser in tests/test_report_pages.py.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
WIDTHS = (1280, 390)
# One page of each kind; the theme pages are the largest (every declaration of a theme).
KINDS = (
    "index.html",
    "themes.html",
    "theme-stikstof.html",
    "theme-algemeen.html",
    "actors.html",
    "timeline.html",
    "history.html",
    "budgets.html",
    "findings.html",
    "source-vervolgpakket.html",
    "monitoring.html",
    "changes.html",
    "target-nh3_landbouw_2035.html",
    "target-agrarisch_natuurbeheer_280000_ha.html",
)

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("BELEID_REQUIRE_BROWSER"):
        raise RuntimeError(
            "BELEID_REQUIRE_BROWSER is set but chromium or chromedriver is not installed"
        )
    pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")

_OVERFLOW_JS = """
const width = document.documentElement.clientWidth;
const wide = [];
for (const e of document.querySelectorAll('body *')) {
  const box = e.getBoundingClientRect();
  if (box.width === 0 || box.right <= width + 1) continue;
  let scrolled = false;
  for (let p = e.parentElement; p; p = p.parentElement) {
    const style = getComputedStyle(p);
    if (p.scrollWidth > p.clientWidth && ['auto', 'scroll'].includes(style.overflowX)) {
      scrolled = true; break;
    }
  }
  const name = typeof e.className === 'string' && e.className ? '.' + e.className : '';
  if (!scrolled) wide.push(e.tagName + name + ' ' + Math.round(box.right));
}
return [document.documentElement.scrollWidth, width, wide.slice(0, 5)];
"""
_BUDGET_ROWS_JS = """
return Array.from(document.querySelectorAll('table.budget'), t =>
  t.querySelectorAll('tbody tr:not(.section):not(.total)').length);
"""
_AXE_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                   resultTypes: ['violations']})
  .then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact,
      nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))))
  .catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}])));
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
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-pages')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options
    )
    driver.set_script_timeout(120)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(bundled_report) -> Path:
    return bundled_report


def _pages(site: Path) -> list[Path]:
    pages = [site / "index.html"]
    for language in ("nl", "en"):
        pages += [site / language / name for name in KINDS]
    missing = [str(p.relative_to(site)) for p in pages if not p.is_file()]
    assert not missing, f"page kinds not written: {missing}"
    return pages


def _width(browser, width: int) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_window_and_none_logs_an_error(browser, site, width):
    _width(browser, width)
    problems = []
    for page in _pages(site):
        browser.get_log("browser")
        browser.get(page.as_uri())
        scroll, client, wide = browser.execute_script(_OVERFLOW_JS)
        name = str(page.relative_to(site))
        if scroll > client + 1 or wide:
            problems.append(f"{name} at {width} px: {scroll} px wide, {wide}")
        errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
        if errors:
            problems.append(f"{name}: console {errors}")
    assert not problems, "\n".join(problems)


def test_the_overflow_check_sees_a_table_that_is_cut(browser, tmp_path):
    _width(browser, 390)
    page = tmp_path / "wide.html"
    page.write_text(
        '<!doctype html><html lang="en"><title>t</title><link rel="icon" href="data:,">'
        '<table><tr><td style="white-space:nowrap">' + "wide " * 80 + "</td></tr></table>",
        encoding="utf-8",
    )
    browser.get(page.as_uri())
    scroll, client, wide = browser.execute_script(_OVERFLOW_JS)
    assert scroll > client and wide


def test_every_budget_table_has_its_rows(browser, site):
    _width(browser, 1280)
    for language in ("nl", "en"):
        browser.get((site / language / "budgets.html").as_uri())
        rows = browser.execute_script(_BUDGET_ROWS_JS)
        assert len(rows) >= 5 and all(rows), (language, rows)


def test_no_page_kind_has_a_serious_accessibility_violation(browser, site):
    assert AXE_VERSION in (AXE.parent / "README.md").read_text(encoding="utf-8")
    script = AXE.read_text(encoding="utf-8")
    found = {}
    for width in WIDTHS:
        _width(browser, width)
        for page in _pages(site):
            browser.get(page.as_uri())
            browser.execute_script(script)
            violations = json.loads(browser.execute_async_script(_AXE_JS))
            serious = [v for v in violations if v["impact"] in ("serious", "critical")]
            if serious:
                found[f"{page.relative_to(site)} at {width} px"] = serious
    assert not found, json.dumps(found, indent=1)


def test_axe_sees_a_violation(browser, tmp_path):
    """The check can fail: an image without a text alternative and a nameless link are found."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><html lang="en"><title>t</title><link rel="icon" href="data:,">'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><a href="#x"></a>',
        encoding="utf-8",
    )
    browser.get(page.as_uri())
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    violations = json.loads(browser.execute_async_script(_AXE_JS))
    assert {"image-alt", "link-name"} <= {v["id"] for v in violations}
