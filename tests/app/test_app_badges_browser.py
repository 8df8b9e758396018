"""The learning pages in real Chromium: sign-in through the OAuth stand-in, a badge page whose
images decode under the app's Content-Security-Policy, a right-to-left certificate that prints
to PDF, and a revocation through the real form (CSRF token included)."""

from __future__ import annotations

import json
import threading

import pytest
from werkzeug.serving import make_server

from tests.oauth_standin import StandInProvider, consumer
from toolforge import create_app, db, learning

pytestmark = pytest.mark.browser
ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(wiki, tmp_path_factory):
    wiki.create_user("Ada")
    edit = wiki.edit("User:Ada/sandbox", "Hello, I am trying out my sandbox.", user="Ada")
    wiki.edit("User:Ada/wikitours.json", json.dumps({"format": 1, "tours": {"first-edit": {
        "status": "completed", "version": 1, "step": "done", "started": "2026-11-25T10:00:00Z",
        "updated": "2026-11-25T10:05:00Z", "completed": "2026-11-25T10:05:00Z",
        "edits": {"publish": edit["newrevid"]}}}}), user="Ada")
    mp = pytest.MonkeyPatch()
    mp.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with StandInProvider("wikitours-browser", "browser-secret-" + "z" * 16) as provider:
        path = tmp_path_factory.mktemp("browser") / "app.sqlite3"
        app = create_app({
            "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{path}",
            "TOURS": {}, "ADMINS": ["local:Admin"],
            "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index, "language": "en"}],
            "OAUTH": {"local": consumer(provider)},
            "LIBRARY": learning.load_library(ROOT / "tours.yaml")})
        db.upgrade(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", provider
        finally:
            server.shutdown()
            thread.join(5)
            mp.undo()


@pytest.fixture
def page(browser):
    """A page without a fixed viewport that keeps its console errors (the `browser` fixture is
    tests/browser.py's)."""
    context = browser.new_context()
    context.set_default_timeout(20000)
    pg = context.new_page()
    pg.console_messages = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.console_messages.append(m.text) if m.type == "error" else None)
    yield pg
    context.close()


def test_badge_page_images_decode_and_nothing_breaks_the_csp(page, served):
    url, _ = served
    page.goto(f"{url}/learners/local/Ada")
    page.click("a.badge-chip")
    page.wait_for_url("**/assertions/*")
    assert page.inner_text("h1") == "First edit"
    sizes = page.evaluate("""async () => {
        const load = (src) => new Promise((ok, fail) => {
            const img = new Image(); img.onload = () => ok([img.naturalWidth, img.naturalHeight]);
            img.onerror = () => fail(src); img.src = src; });
        const png = document.querySelector('a[href$="/badge.png"]').href;
        const svg = document.querySelector('a[href$="/badge.svg"]').href;
        return [await load(png), await load(svg),
                document.querySelector('.badge-head img').naturalWidth];
    }""")
    assert sizes == [[320, 320], [128, 128], 128]  # the baked PNG is the named picture
    assert page.evaluate("getComputedStyle(document.querySelector('.actions')).display") == "flex"
    assert not [m for m in page.console_messages if "Content Security Policy" in m]


def test_certificate_is_right_to_left_and_prints(page, served):
    url, _ = served
    page.goto(f"{url}/learners/local/Ada")
    badge = page.get_attribute("a.badge-chip", "href")
    page.goto(f"{url}{badge}/certificate?uselang=ar")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.certificate')).borderTopStyle") == "double"
    assert "التعديل الأول" in page.inner_text(".badge-name")
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert not page.console_messages


def test_sign_in_and_revoke_in_the_browser(page, served):
    url, provider = served
    page.goto(f"{url}/learners/local/Ada")
    badge = page.get_attribute("a.badge-chip", "href")
    provider.user = "Admin"
    page.goto(f"{url}{badge}")
    page.click("text=Sign in")  # to the stand-in wiki, which approves and sends us back
    page.wait_for_url(f"{url}{badge}")
    assert "Admin" in page.inner_text(".signed-in")
    page.fill("input[name=reason]", "<i>test</i> revocation")
    page.click("form.revoke button")
    page.wait_for_selector(".revoked-note")
    assert "<i>test</i> revocation" in page.inner_text(".revoked-note")
    status = page.evaluate(f"""fetch('{badge}', {{headers: {{Accept: 'application/ld+json'}}}})
                               .then(r => r.status)""")
    assert status == 410
