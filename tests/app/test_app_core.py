"""The app factory: configuration sources, ToolsDB URL, i18n negotiation, health, CLI."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import text

from toolforge import config as config_module
from toolforge import create_app, db, http, publishedtours
from toolforge.i18n import Catalog


def test_defaults_give_a_working_local_app(tmp_path, monkeypatch):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"})
    assert app.config["SECRET_KEY"] and not app.config["PRODUCTION"]
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.app_context():  # tours are each wiki's, as published there: none without wikis
        assert publishedtours.known_tours("local") == {}
    other = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}"})
    assert other.config["SECRET_KEY"] != app.config["SECRET_KEY"]  # random per process


def test_sqlite_default_in_instance_folder_uses_wal_and_foreign_keys(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    app.instance_path = str(tmp_path)  # keep the test out of the repository
    url = db.default_url(app)
    assert url == f"sqlite:///{tmp_path / 'wikitours.sqlite3'}"
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_private_yaml_file_and_environment(tmp_path):
    cfg = tmp_path / "config.yaml"
    cfg.write_text("SECRET_KEY: from-file\nwikis:\n  - {id: dewiki, index: 'https://de.test/w/index.php'}\n"
                   "EVENTS_MAX_BATCH: 50\n")
    settings, source = config_module.load(str(tmp_path), environ={
        "WIKITOURS_EVENTS_MAX_BATCH": "25", "WIKITOURS_UNKNOWN_TOURS": "count", "OTHER": "x"})
    assert source == f"{cfg} + environment"
    assert settings["SECRET_KEY"] == "from-file"
    assert settings["WIKIS"][0]["id"] == "dewiki"
    assert settings["EVENTS_MAX_BATCH"] == 25  # the environment wins, parsed as YAML
    assert settings["UNKNOWN_TOURS"] == "count" and "OTHER" not in settings
    assert config_module.load(str(tmp_path / "none"), environ={}) == ({}, "local development")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n")
    with pytest.raises(ValueError, match="bad.yaml:1:1"):
        config_module.load(str(tmp_path), environ={"WIKITOURS_CONFIG": str(bad)})


def test_production_needs_a_secret_and_gets_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("WIKITOURS_DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("WIKITOURS_CONFIG", str(tmp_path / "absent.yaml"))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("WIKITOURS_SECRET_KEY", "s3cret-from-envvars")
    app = create_app()
    assert app.config["PRODUCTION"] and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == "s3cret-from-envvars"


def test_toolsdb_url_from_replica_my_cnf(tmp_path):
    (tmp_path / "replica.my.cnf").write_text("[client]\nuser = s54321\npassword = 'p@ss:w/rd'\n")
    settings, _ = config_module.load(str(tmp_path / "inst"), environ={
        "HOME": str(tmp_path), "WIKITOURS_TOOLSDB_DATABASE": "s54321__wikitours"})
    assert settings["DATABASE_URL"] == (
        "mysql+pymysql://s54321:p%40ss%3Aw%2Frd@tools.db.svc.wikimedia.cloud/"
        "s54321__wikitours?charset=utf8mb4")
    url = config_module.toolsdb_url("u__db", "h", {"TOOL_TOOLSDB_USER": "u",
                                                   "TOOL_TOOLSDB_PASSWORD": "pw"})
    assert url == "mysql+pymysql://u:pw@h/u__db?charset=utf8mb4"
    with pytest.raises(ValueError, match="replica.my.cnf:1:1"):
        config_module.toolsdb_url("x", "h", {"HOME": str(tmp_path / "nowhere")})


def test_wiki_origins_and_aliases():
    wikis = [{"id": "dewiki", "index": "https://de.wikipedia.test/w/index.php",
              "api": "https://de.wikipedia.test/w/api.php", "origins": ["https://de.m.wikipedia.test"]},
             {"id": "local", "index": "http://127.0.0.1:8080/index.php"}]
    assert config_module.wiki_origins(wikis) == {
        "https://de.wikipedia.test": "dewiki", "https://de.m.wikipedia.test": "dewiki",
        "http://127.0.0.1:8080": "local"}
    aliases = config_module.wiki_aliases(wikis)
    assert aliases["127.0.0.1:8080"] == "local" and aliases["dewiki"] == "dewiki"


def test_healthz_and_front_page(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
                      "WIKIS": [{"id": "local", "index": "http://127.0.0.1:8080/index.php"}],
                      "TOURS": {"first-edit": {"version": 1, "steps": ["welcome"]}}})
    c = app.test_client()
    r = c.get("/healthz")
    assert r.status_code == 200 and r.data == b""
    r = c.get("/")
    assert r.status_code == 200
    assert 'href="/funnels/local/first-edit"' in r.data.decode()
    r = c.get("/no-such-page")
    assert r.status_code == 404 and "This page does not exist." in r.data.decode()
    r = c.get("/api/v1/nothing")
    assert r.status_code == 404 and r.get_json()["error"] == 404


def test_one_user_agent_for_outgoing_requests(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'u.db'}",
                      "USER_AGENT": "wikitours-test/1 (ops@example.org)"})
    with app.app_context():
        assert http.session().headers["User-Agent"] == "wikitours-test/1 (ops@example.org)"
    with pytest.raises(RuntimeError, match="USER_AGENT"):
        create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "USER_AGENT": ""})


def test_db_upgrade_command(tmp_path):
    path = tmp_path / "cli.db"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}"})
    result = app.test_cli_runner().invoke(args=["db-upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at heads" in result.output
    tables = {r[0] for r in sqlite3.connect(path).execute(
        "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"event_counts", "alembic_version"} <= tables


def catalog(tmp_path):
    msgs = tmp_path / "msgs"
    msgs.mkdir(exist_ok=True)
    (msgs / "en.json").write_text(json.dumps({"@metadata": {}, "a": "A en", "b": "B en",
                                              "p": "$1 {{PLURAL:$1|tour|tours}}"}))
    (msgs / "de.json").write_text(json.dumps({"a": "A de"}))
    (msgs / "ar.json").write_text(json.dumps({"a": "A ar", "b": "B ar"}))
    (msgs / "qqq.json").write_text(json.dumps({"a": "doc"}))
    langs = tmp_path / "languages.json"
    langs.write_text(json.dumps({"ar": {"dir": "rtl", "fallbacks": []},
                                 "arz": {"dir": "rtl", "fallbacks": ["ar"]},
                                 "de-at": {"dir": "ltr", "fallbacks": ["de"]}}))
    return msgs, langs


def test_messages_follow_mediawiki_fallback_chains(tmp_path):
    msgs, langs = catalog(tmp_path)
    cat = Catalog.load(msgs, langs)
    assert cat.available() == ["ar", "de", "en"]  # qqq is documentation, not a language
    assert cat.chain("arz") == ["arz", "ar", "en"]
    assert cat.format("arz", "b") == "B ar" and cat.format("arz", "a") == "A ar"
    assert cat.format("de-at", "a") == "A de" and cat.format("de-at", "b") == "B en"
    assert cat.format("xx", "a") == "A en"
    assert cat.format("en", "missing") == "⧼missing⧽"
    assert cat.format("en", "p", 1) == "1 tour" and cat.format("en", "p", 5) == "5 tours"
    assert cat.language("arz").dir == "rtl" and cat.language("ar-x").dir == "rtl"
    # without languages.json: base-language fallback, left to right
    bare = Catalog.load(msgs, tmp_path / "absent.json")
    assert bare.chain("de-at") == ["de-at", "de", "en"] and bare.language("ar").dir == "ltr"


def test_language_from_uselang_then_accept_language(tmp_path):
    msgs, langs = catalog(tmp_path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'l.db'}",
                      "MESSAGES_DIR": str(msgs), "LANGUAGES_FILE": str(langs)})
    c = app.test_client()

    def html_tag(path, **headers):
        body = c.get(path, headers=headers).data.decode()
        return body[body.index("<html"):body.index(">", body.index("<html")) + 1]

    assert html_tag("/") == '<html lang="en" dir="ltr">'
    assert html_tag("/", **{"Accept-Language": "ar, en;q=0.5"}) == '<html lang="ar" dir="rtl">'
    assert html_tag("/", **{"Accept-Language": "arz"}) == '<html lang="arz" dir="rtl">'
    assert html_tag("/", **{"Accept-Language": "fr, de;q=0.8"}) == '<html lang="de" dir="ltr">'
    assert html_tag("/?uselang=de", **{"Accept-Language": "ar"}) == '<html lang="de" dir="ltr">'
    # a hostile uselang is ignored, never echoed
    tag = html_tag('/?uselang="><script>alert(1)</script>', **{"Accept-Language": "ar"})
    assert tag == '<html lang="ar" dir="rtl">'


ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_config_example_and_toolforge_files(tmp_path, monkeypatch):
    """The shipped example configures a production app; the Toolforge files are well formed."""
    import yaml

    example = ROOT / "toolforge" / "config.yaml.example"
    keys = set(yaml.safe_load(example.read_text()))
    assert keys <= set(config_module.DEFAULTS), keys - set(config_module.DEFAULTS)
    (tmp_path / "replica.my.cnf").write_text("[client]\nuser = s12345\npassword = pw\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("WIKITOURS_CONFIG", str(example))
    app = create_app()
    assert app.config["PRODUCTION"] and app.config["SESSION_COOKIE_SECURE"]
    assert app.config["DATABASE_URL"].startswith("mysql+pymysql://s12345:pw@tools.db.")
    assert app.config["WIKIS"][0]["id"] == "dewiki"
    jobs = yaml.safe_load((ROOT / "jobs.yaml").read_text())
    allowed = {"name", "command", "image", "schedule", "continuous", "mem", "cpu", "retry",
               "emails", "wait", "no-filelog", "filelog-stdout", "filelog-stderr"}
    assert all(set(job) <= allowed and {"name", "command", "image"} <= set(job) for job in jobs)
    service = yaml.safe_load((ROOT / "service.template").read_text())
    assert service == {"type": "python3.11", "health-check-path": "/healthz"}
    assert (ROOT / "Procfile").read_text().startswith("web: gunicorn ")
    assert "app = create_app()" in (ROOT / "app.py").read_text()


def test_favicon_is_no_error(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'f.db'}"})
    r = app.test_client().get("/favicon.ico")
    assert r.status_code == 204 and r.data == b""
