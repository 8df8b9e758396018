"""The MediaWiki facts the validator uses are generated from MediaWiki's own source, not typed in."""

from __future__ import annotations

from pathlib import Path

from tours import mwdata, namespaces
from tours.validate import ACTIONS, special_page_names

MW = Path("/usr/share/mediawiki")
DATA = Path(mwdata.__file__).resolve().parent / "data"


def test_pinned_data_matches_a_fresh_generation(tmp_path):
    written = mwdata.generate(MW, tmp_path)
    assert sorted(p.name for p in written) == ["actions.json", "namespaces.json", "special-pages.json"]
    for path in written:
        assert path.read_text("utf-8") == (DATA / path.name).read_text("utf-8"), \
            f"{path.name} is stale: run python -m tours.mwdata --from /usr/share/mediawiki"


def test_special_pages_include_core_aliases_and_extensions():
    names = special_page_names()
    assert names["watchlist"] == "Watchlist"
    assert names["contribs"] == "Contributions"  # an English alias from MessagesEn.php
    assert names["mypage"] == "Mypage"
    assert names["abusefilter"] == "AbuseFilter"  # a bundled extension
    assert names["search"] == "Search"  # added by getPageList() depending on configuration
    assert "homepage" not in names  # GrowthExperiments is not bundled: list it under special-pages


def test_namespaces_and_actions():
    assert namespaces.resolve("User talk") == 3 == namespaces.resolve("user_talk")
    assert namespaces.resolve("(main)") == 0 == namespaces.resolve("Main")
    assert namespaces.resolve("Image") == 6 and namespaces.resolve("Module") == 828
    assert namespaces.resolve("Benutzer") is None
    assert {"view", "edit", "submit", "history", "info"} <= set(ACTIONS)


def test_generator_cli_reports_a_missing_mediawiki(tmp_path, capsys):
    assert mwdata.main(["--from", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]) == 2
    assert "cannot read MediaWiki" in capsys.readouterr().err
