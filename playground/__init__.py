"""The playground: a local wiki with everything wikitours has, from one command.

`python -m playground` (what `./dev playground` runs) creates or reuses a wiki under
`var/playground/`, makes an admin, a bot, three mentors with their on-wiki mentor list and a few
newcomers, puts the tours on the wiki once (from then on the wiki's pages are the tours and
the sync publishes every edit of them), starts the parts of wikitours that exist (see
`playground.services`), prints URLs and logins, and stops everything on Ctrl-C.
`--check` does the same without waiting, verifies the catalogue shows the tours, and exits.
"""
