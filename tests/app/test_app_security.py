"""Security defaults: headers, CSRF, cookies, redirects, rate-limit buckets, templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string, request

from toolforge import create_app
from toolforge.ratelimit import TokenBuckets, client_key
from toolforge.security import CSP, csrf_exempt, is_safe_target, safe_redirect

TEMPLATES = Path(__file__).resolve().parents[2] / "toolforge" / "templates"


def make(tmp_path, **extra):
    config = {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
              "SECRET_KEY": "k"}
    config.update(extra)
    app = create_app(config)

    @app.route("/t/form", methods=["GET", "POST"])
    def form():
        if request.method == "POST":
            return "done:" + request.form.get("name", "")
        return render_template_string(
            '<form method="post"><input type="hidden" name="csrf_token" '
            'value="{{ csrf_token() }}"><input name="name"></form>')

    @app.post("/t/exempt")
    @csrf_exempt
    def exempt():
        return "exempt"

    @app.get("/t/go")
    def go():
        return safe_redirect(request.args.get("to"))

    @app.get("/t/echo")
    def echo():
        return render_template_string("{% extends 'base.html' %}{% block content %}"
                                      "<p>{{ value }}</p>{% endblock %}",
                                      value=request.args.get("v", ""))

    return app


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_headers_on_pages_api_and_errors(tmp_path):
    c = make(tmp_path).test_client()
    for path, method in [("/", "get"), ("/healthz", "get"), ("/nowhere", "get"),
                         ("/api/v1/events", "post")]:
        r = getattr(c, method)(path)
        assert r.headers["Content-Security-Policy"] == CSP, path
        assert r.headers["X-Frame-Options"] == "deny"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert "frame-ancestors 'none'" in CSP and "script-src 'self'" in CSP


def test_csrf_required_on_every_form_post(tmp_path):
    c = make(tmp_path).test_client()
    assert c.post("/t/form", data={"name": "x"}).status_code == 400  # no session, no token
    html = c.get("/t/form").data.decode()
    token = token_of(html)
    assert c.post("/t/form", data={"name": "x"}).status_code == 400  # session but no token
    assert c.post("/t/form", data={"name": "x", "csrf_token": token + "x"}).status_code == 400
    assert c.post("/t/form", data={"name": "x", "csrf_token": ""}).status_code == 400
    r = c.post("/t/form", data={"name": "x", "csrf_token": token})
    assert r.status_code == 200 and r.data == b"done:x"
    r = c.post("/t/form", data={"name": "y"}, headers={"X-CSRF-Token": token})
    assert r.data == b"done:y"
    # another browser's token is worthless here
    other = make(tmp_path).test_client()
    other_token = token_of(other.get("/t/form").data.decode())
    assert c.post("/t/form", data={"csrf_token": other_token}).status_code == 400
    assert c.post("/t/exempt").data == b"exempt"
    r = c.post("/t/form", data={"name": "x"})
    assert "reload the page" in r.data.decode()  # a page a person can act on


def test_session_cookie_flags(tmp_path):
    dev = make(tmp_path).test_client()
    cookie = dev.get("/t/form").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    prod = make(tmp_path, PRODUCTION=True).test_client()
    cookie = prod.get("/t/form", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("target,ok", [
    ("/cohorts/3?x=1", True), ("/", True), ("/funnels/local/first-edit#top", True),
    ("//evil.test/", False), ("/\\evil.test", False), ("https://evil.test/", False),
    ("http:/evil.test", False), ("javascript:alert(1)", False), ("evil.test", False),
    ("/\t/evil.test", False), ("/%0a/x", True), ("", False), (None, False),
    ("/ok\r\nSet-Cookie: x=1", False), ("\\\\evil.test", False),
])
def test_safe_targets(target, ok):
    assert is_safe_target(target) is ok


def test_no_open_redirect(tmp_path):
    c = make(tmp_path).test_client()
    assert c.get("/t/go?to=/funnels/a/b").headers["Location"] == "/funnels/a/b"
    for bad in ["//evil.test", "https://evil.test", "/\\evil.test", "javascript:alert(1)"]:
        r = c.get("/t/go", query_string={"to": bad})
        assert r.status_code == 303 and r.headers["Location"] == "/", bad


def test_hostile_strings_are_escaped_in_the_base_layout(tmp_path):
    c = make(tmp_path).test_client()
    hostile = '<script>alert(1)</script><img src=x onerror=alert(1)>"\''
    html = c.get("/t/echo", query_string={"v": hostile}).data.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_templates_have_no_inline_script_or_style():
    """The CSP blocks inline code; a template that needs it would break silently."""
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), path
        assert not re.search(r"<style\b", source), path
        assert not re.search(r"\sstyle=", source), path
        assert not re.search(r"\son[a-z]+=", source), path
        assert not re.search(r"(https?:)?//(fonts|cdn|ajax)\.", source), path


def test_token_buckets():
    now = [0.0]
    b = TokenBuckets(rate=1.0, burst=3, clock=lambda: now[0])
    assert [b.allow(b"a") for _ in range(4)] == [True, True, True, False]
    assert b.allow(b"b")  # separate client
    now[0] = 1.0
    assert b.allow(b"a") and not b.allow(b"a")  # one token back per second
    now[0] = 100.0
    assert [b.allow(b"a") for _ in range(4)] == [True, True, True, False]  # capped at burst


def test_token_buckets_memory_is_bounded():
    now = [0.0]
    b = TokenBuckets(rate=1.0, burst=2, max_keys=100, clock=lambda: now[0])
    for i in range(1000):
        b.allow(i.to_bytes(4, "big"))
    assert len(b) <= 100
    now[0] = 10.0
    b.allow(b"new")
    assert len(b) <= 100


def test_client_key_hides_the_address():
    key = client_key("203.0.113.5")
    assert len(key) == 16 and b"203" not in key
    assert key == client_key("203.0.113.5") and key != client_key("203.0.113.6")


@pytest.mark.browser
def test_pages_in_real_chromium_break_no_policy(tmp_path):
    """The strict CSP, served for real: the stylesheet applies, nothing is blocked, no errors."""
    import threading

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from tests.browser import launch
    from toolforge import db

    from toolforge import learning

    # the app learns a wiki's tours from what it published; this wiki is unreachable, so the
    # shipped library stands in (as the other app tests give it)
    app = make(tmp_path, WIKIS=[{"id": "local", "index": "http://127.0.0.1:9/index.php"}],
               LIBRARY=learning.load_library(Path(__file__).resolve().parents[2] / "tours.yaml"))
    db.upgrade(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
                    else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
            for path in ["/", "/funnels/local/first-edit?uselang=ar", "/t/echo?v=%3Cb%3E"]:
                response = page.goto(base + path)
                assert response.status == 200, path
                assert response.headers["content-security-policy"] == CSP
            page.goto(base + "/funnels/local/first-edit?uselang=ar")
            # the stylesheet applied: the header has its background, the page is right-to-left
            assert page.evaluate("getComputedStyle(document.querySelector('.site-header'))"
                                 ".backgroundColor") == "rgb(248, 249, 250)"
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
            # an inline script injected the way an XSS would is refused by the policy
            page.evaluate("""() => { const s = document.createElement('script');
                s.textContent = 'window.__pwned = 1'; document.body.appendChild(s); }""")
            assert page.evaluate("window.__pwned") is None
            browser.close()
    finally:
        server.shutdown()
    blocked = [m for m in problems if "Content Security Policy" not in m or "__pwned" in m]
    csp = [m for m in problems if "Content Security Policy" in m]
    assert blocked == [], blocked
    assert len(csp) == 1  # exactly the injected script, nothing of ours
