"""The playground's console texts, from i18n/playground/ (banana JSON), in the user's language."""

from __future__ import annotations

import json
import locale
import os
import re
from functools import lru_cache
from pathlib import Path

I18N = Path(__file__).resolve().parent.parent / "i18n" / "playground"


@lru_cache(maxsize=None)
def _load(language: str) -> dict[str, str]:
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", language):
        return {}
    try:
        data = json.loads((I18N / f"{language}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if not k.startswith("@")}


def user_language() -> str:
    raw = os.environ.get("LANGUAGE") or os.environ.get("LC_ALL") or os.environ.get("LANG") or \
        (locale.getlocale()[0] or "en")
    code = raw.split(":")[0].split(".")[0].split("_")[0].lower()
    return code if code not in ("c", "posix", "") else "en"


def msg(key: str, *params: object, language: str | None = None) -> str:
    """Message `key` with $1, $2… filled, in the user's language or its fallbacks, else English."""
    chain = [language or user_language()]
    try:
        from tours.languages import fallback_chain

        chain = list(fallback_chain(chain[0]))
    except Exception:  # noqa: BLE001 - language data is optional here; English always works
        pass
    for code in (*chain, "en"):
        text = _load(code).get(key)
        if text is not None:
            break
    else:
        raise KeyError(f"no message {key!r} in {I18N}/en.json")
    return re.sub(r"\$(\d+)", lambda m: str(params[int(m.group(1)) - 1])
                  if 0 < int(m.group(1)) <= len(params) else m.group(0), text)
