"""The contracts between the parts of wikitours, one module per contract of docs/contracts.md.

Compiler, publishing, gadget readers, bots and app exchange data through pages on the wiki;
each format is read and written in exactly one module here, with typed dataclasses and problems
returned as values (the pages are edited by people and are hostile input). This package is the
lowest layer: it imports nothing else of wikitours (the standard library, json and, for the
markers in wikitext, mwparserfromhell only), so every other part may import it.

- :mod:`contracts.tourdata`: the gadget's tour data, index and message pages (§3, §4)
- :mod:`contracts.liveversion`: the pointer in the loader that names the live version (§3)
- :mod:`contracts.mentoreligibility`: the mentor list's history and settings, who counts (§7)
- :mod:`contracts.markers`: the hidden markers in the bots' posts (§7, §9)
"""
