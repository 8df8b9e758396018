"""publish/multiwiki.py: one configuration file lists every wiki a deployment serves."""

from __future__ import annotations

import json

from publish.multiwiki import app_wikis, load_config, parse_config

GOOD = """
library: {wiki: meta, tours: "Project:Wikitours/Tours/", translations: "Project:Wikitours/i18n/"}
wikis:
  - {id: meta, api: "http://127.0.0.1:8080/api.php", language: en}
  - id: arwiki
    api: "http://127.0.0.1:8081/api.php"
    language: ar
    variant: arwiki
    variant-page: "Project:Wikitours/Local.yaml"
    mentors: "Project:Wikitours/Mentors.json"
    settings: {welcome: true, event-url: "http://127.0.0.1:9000/api/v1/events"}
"""


def test_a_valid_config_lists_each_wiki_with_its_own_settings(tmp_path):
    path = tmp_path / "wikis.yaml"
    path.write_text(GOOD)
    config, problems = load_config(path)
    assert problems == [] and config is not None
    assert config.library_wiki.id == "meta" and not config.library.single
    ar = config.wiki("arwiki")
    assert ar.language == "ar" and ar.variant_page == "Project:Wikitours/Local.yaml"
    assert ar.index == "http://127.0.0.1:8081/index.php"
    assert ar.settings["welcome"] is True
    # the app's WIKIS setting (contracts §10) comes from the same file
    assert app_wikis(config)[1] == {"id": "arwiki", "api": "http://127.0.0.1:8081/api.php",
                                    "index": "http://127.0.0.1:8081/index.php", "language": "ar",
                                    "project": "Project"}
    (tmp_path / "wikis.json").write_text(json.dumps({"library": {"wiki": "meta", "tours": "Project:T.yaml"},
                                                     "wikis": [{"id": "meta", "api": "https://x.org/w/api.php"}]}))
    config, problems = load_config(tmp_path / "wikis.json")
    assert config is not None and config.library.single


def test_bad_configs_are_readable_problems(tmp_path):
    cases = [
        ("[]", "must be a mapping"),
        ({"wikis": []}, "at least one wiki"),
        ({"library": {"wiki": "nowhere"}, "wikis": [{"id": "meta", "api": "http://127.0.0.1/api.php"}]},
         "not listed under wikis"),
        ({"library": {"wiki": "meta"}, "wikis": [{"id": "meta", "api": "javascript:alert(1)"}]}, "api.php"),
        ({"library": {"wiki": "meta"}, "wikis": [{"id": "Meta Wiki!", "api": "http://h/api.php"}]}, "short id"),
        ({"library": {"wiki": "meta"}, "wikis": [{"id": "meta", "api": "http://h/api.php", "language": "<b>"}]},
         "language code"),
        ({"library": {"wiki": "meta"}, "wikis": [{"id": "meta", "api": "http://h/api.php",
                                                 "status": "Project:[[X]]"}]}, "not a page title"),
        ({"library": {"wiki": "meta"}, "wikis": [{"id": "meta", "api": "http://h/api.php"},
                                                {"id": "meta", "api": "http://h/api.php"}]}, "listed twice"),
        ({"library": {"wiki": "meta"}, "wikis": [{"id": "meta", "api": "http://h/api.php", "passwd": "x"}]},
         "unknown key"),
    ]
    for data, expected in cases:
        config, problems = parse_config(data if data != "[]" else [])
        assert config is None, data
        assert any(expected in p.message for p in problems), (data, problems)
    (tmp_path / "broken.yaml").write_text("wikis: [unclosed")
    config, problems = load_config(tmp_path / "broken.yaml")
    assert config is None and "not valid YAML" in problems[0].message
    config, problems = load_config(tmp_path / "missing.yaml")
    assert config is None and "cannot read" in problems[0].message


def test_user_config_and_bot_arguments_for_every_wiki(tmp_path, capsys):
    from publish.multiwiki import bot_run_args, main, user_config_lines

    path = tmp_path / "wikis.yaml"
    path.write_text(GOOD)
    config, _ = load_config(path)
    lines = user_config_lines(config)
    namespace = {"family_files": {}, "usernames": __import__("collections").defaultdict(dict)}
    exec(compile(lines, "user-config.py", "exec"), namespace)  # valid Python for user-config.py
    assert namespace["family_files"] == {"meta": "http://127.0.0.1:8080/api.php",
                                         "arwiki": "http://127.0.0.1:8081/api.php"}
    assert "password" not in lines.lower().replace("password_file", "")
    assert bot_run_args(config.wiki("arwiki"))[:3] == ["-family:arwiki", "-lang:arwiki", "-language:ar"]
    assert main(["user-config", f"-wikis:{path}"]) == 0
    assert "family_files['arwiki']" in capsys.readouterr().out
    assert main(["nonsense", f"-wikis:{path}"]) == 2
    assert main(["run", f"-wikis:{tmp_path / 'missing.yaml'}"]) == 1


def test_config_problems_are_printed_in_the_operators_language(tmp_path, capsys, monkeypatch):
    from publish.multiwiki import main

    path = tmp_path / "wikis.yaml"
    path.write_text(GOOD.replace("language: ar", "language: ar\n    bogus: 1", 1))
    _, problems = load_config(path)
    assert problems, "the test needs a config with a problem"
    monkeypatch.setenv("WIKITOURS_LANG", "de")
    main(["user-config", f"-wikis:{path}"])
    err = capsys.readouterr().err
    assert ": Fehler: " in err and "Hinweis: " in err and "bogus" in err
