"""The offline search box in a real headless Chromium, from file:// (searchindex.py): typing a
word lists the declaration whose page holds it, in Dutch and in English, and following
the result opens that declaration; with JavaScript off the box stays hidden and the page reads.

Skipped without Chromium (unless BELEID_REQUIRE_BROWSER is set), as tests/test_report_browser.py.
"""

from __future__ import annotations

import pytest

from tests.test_report_browser import browser, fixture_site, visit, webdriver  # noqa: F401

By = pytest.importorskip("selenium.webdriver.common.by").By


def _type(driver, page, word: str) -> list[tuple[str, str]]:
    driver.get(page.as_uri())
    box = driver.find_element(By.ID, "search-box")
    assert box.is_displayed(), "the script did not show the search box"
    box.send_keys(word)
    links = driver.find_elements(By.CSS_SELECTOR, "#search-results a")
    return [(a.text, a.get_attribute("href")) for a in links]


@pytest.mark.parametrize(
    ("language", "word", "title"),
    [("nl", "bedrijfsplan", "Bedrijfsplan"), ("en", "BEDRIJFSPLAN", "Bedrijfsplan")],
)
def test_typing_a_word_finds_the_declaration(browser, fixture_site, language, word, title):  # noqa: F811
    found = _type(browser, fixture_site / language / "themes.html", word)
    assert found, "nothing found"
    text, href = found[0]
    assert text.startswith(title) and href.endswith("#bedrijfsplan"), found
    browser.find_element(By.CSS_SELECTOR, "#search-results a").click()
    assert browser.current_url == href
    assert browser.find_element(By.ID, "bedrijfsplan").is_displayed()


def test_a_word_nowhere_in_the_handbook_finds_nothing(browser, fixture_site):  # noqa: F811
    assert _type(browser, fixture_site / "en" / "index.html", "zzqxj") == []
    assert browser.find_element(By.ID, "search-status").text == "Nothing found."


def test_search_pages_load_without_console_errors(browser, fixture_site):  # noqa: F811
    for page in ("nl/themes.html", "en/changes.html", "nl/monitoring.html"):
        seen = visit(browser, fixture_site / page)
        assert seen["console"] == [] and seen["broken"] == [], (page, seen)


def test_without_javascript_the_box_stays_hidden_and_the_page_reads(fixture_site, tmp_path):  # noqa: F811
    from tests.test_report_browser import CHROMEDRIVER, CHROMIUM

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path / 'profile'}"):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(
        service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options
    )
    try:
        driver.get((fixture_site / "nl" / "themes.html").as_uri())
        assert not driver.find_element(By.ID, "search").is_displayed()
        assert driver.find_element(By.TAG_NAME, "h1").text
        assert driver.find_elements(By.CSS_SELECTOR, "main a")
    finally:
        driver.quit()
