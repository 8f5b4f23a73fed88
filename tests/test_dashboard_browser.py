"""The dashboard (accord/web served by accord.server) in headless Chromium: pick a dyad, see the
chart, the table and the map, open an event's evidence and its article. Screenshots go to
test-artifacts/. Needs Debian's chromium at /usr/bin/chromium and the playwright package."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium (apt-get install chromium) for the browser tests",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is needed")
uvicorn = pytest.importorskip("uvicorn")

from accord import cli  # noqa: E402
from accord.server import create_app  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

ARTICLES = {
    "kenya_japan_talks.txt": """date 2024-02-05 Kenya, Japan hold talks in Nairobi
NAIROBI, Feb. 5 (Xinhua) -- Kenyan President William Ruto met Japanese Foreign Minister Yoko \
Kamikawa in Nairobi on Monday.
""",
    "kenya_japan_dispute.txt": """date 2024-04-10 Kenya criticises Japan over fishing rules
NAIROBI, April 10 (Xinhua) -- Kenya on Wednesday accused Japan of ignoring a fisheries \
agreement off the coast of Mombasa.
""",
    "eu_belarus_sanctions.txt": """date 2024-05-20 EU imposes sanctions on Belarus
BRUSSELS, May 20 (Xinhua) -- The European Union on Monday imposed sanctions on Belarus over the \
detention of opposition activists.
""",
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("dashboard_articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = folder.parent / "dashboard.duckdb"
    assert cli.main(["code", str(folder), "--db", str(path)]) == 0
    config = uvicorn.Config(create_app(path), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser_context() -> Iterator:
    with sync_api.sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS,
            viewport={"width": 1400, "height": 1000})
        yield context
        context.close()


@pytest.fixture
def page(browser_context, base_url: str) -> Iterator:
    page = browser_context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("request", lambda r: urlparse(r.url).netloc != urlparse(base_url).netloc
            and problems.append(f"request off the server: {r.url}"))
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    yield page
    page.close()
    assert not problems


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose_dyad(page, a: str, b: str) -> None:
    page.select_option("#code-a", a)
    page.select_option("#code-b", b)
    page.click("#show-dyad")
    page.wait_for_selector(f'body[data-dyad="{a}-{b}"]')


def test_choosing_a_dyad_shows_its_chart_table_and_map(page, base_url: str) -> None:
    options = page.locator("#code-a option").all_text_contents()
    assert any("Kenya (KEN)" in option for option in options)
    choose_dyad(page, "KEN", "JPN")
    page.wait_for_selector("#timeline svg rect.bar")
    page.wait_for_selector("#world svg circle.point")
    total = page.request.get(f"{base_url}/events?a=KEN&b=JPN").json()["total"]
    assert page.locator("#events-table tbody tr").count() == total
    assert page.locator("#timeline svg g.period").count() >= 2  # February to April
    assert page.locator("#world svg path.country").count() > 150
    assert page.locator("#event-count").text_content() == f"({total})"
    screenshot(page, "dashboard_dyad_KEN_JPN")


def test_an_event_opens_its_evidence_with_the_parties_and_trigger_marked(page) -> None:
    choose_dyad(page, "KEN", "JPN")
    row = page.locator("#events-table tbody tr", has_text="ACCUSE")
    row.click()
    assert "selected" in (row.get_attribute("class") or "")
    sentence = page.locator("#evidence-sentence")
    assert "accused Japan" in sentence.text_content()
    assert sentence.locator("mark.hl-trigger").text_content() == "accused"
    assert sentence.locator("mark.hl-actor").count() >= 1
    assert sentence.locator("mark.hl-recipient").text_content() == "Japan"
    assert "ACCUSE" in page.locator("#evidence-details").text_content()
    screenshot(page, "dashboard_evidence")


def test_every_event_links_to_its_article(page) -> None:
    choose_dyad(page, "KEN", "JPN")
    links = page.locator("#events-table a.article-link")
    assert links.count() == page.locator("#events-table tbody tr").count()
    page.locator("#events-table tbody tr", has_text="ACCUSE").locator("a.article-link").click()
    page.wait_for_selector("#article-events li")
    assert page.locator("#dyad-view").is_hidden()
    title = page.locator("#article-title").text_content()
    assert title == "Kenya criticises Japan over fishing rules"
    text = page.locator("#article-text")
    assert "fisheries agreement" in text.text_content()
    assert "accused" in text.locator("mark.hl-trigger").all_text_contents()
    screenshot(page, "dashboard_article")
    page.click("#back-to-dyad")
    page.wait_for_selector("#dyad-view:not([hidden])")


def test_an_unknown_pair_shows_an_empty_chart_not_an_error(page) -> None:
    page.evaluate("location.hash = '#/dyad/KEN/BLR/month'")
    page.wait_for_selector('body[data-dyad="KEN-BLR"]')
    assert page.locator("#timeline svg text.empty").count() == 1
    assert page.locator("#events-table tbody tr").count() == 0
    assert page.locator("#form-error").text_content() == ""
