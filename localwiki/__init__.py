"""A local MediaWiki on 127.0.0.1 for tests, the playground and benchmarks.

Debian's MediaWiki 1.39 in /usr/share/mediawiki serves every instance; an instance is a folder with
its own LocalSettings.php (selected by MW_CONFIG_FILE) and SQLite files, copied from a template that
install.php made once (see `install`). PHP's built-in server serves it on a free loopback port and
logs every request through `router.php`, so tests and benchmarks count API requests at the server.

    from localwiki import LocalWiki
    with LocalWiki.create(tmp / "wiki", language="en") as wiki:
        wiki.create_user("Newcomer")
        wiki.edit("Sandbox", "Hello", user="Newcomer")
"""

from localwiki.client import ApiError, RequestCounts
from localwiki.install import DEBIAN_PACKAGES, MissingSoftware
from localwiki.server import Account, BotAccount, LocalWiki, LoggedRequest, free_port

__all__ = ["Account", "ApiError", "BotAccount", "DEBIAN_PACKAGES", "LocalWiki", "LoggedRequest",
           "MissingSoftware", "RequestCounts", "free_port"]
