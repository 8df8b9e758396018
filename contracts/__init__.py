"""The contracts between the parts of wikitours, one module per contract of docs/contracts.md.

Compiler, publishing, gadget readers, bots and app exchange data through pages on the wiki;
each format is read and written in exactly one module here, with typed dataclasses and problems
returned as values (the pages are edited by people and are hostile input). This package is the
lowest layer: it imports nothing else of wikitours (the standard library, json and, for the
markers in wikitext, mwparserfromhell only), so every other part may import it.

- :mod:`contracts.tourdata`: the gadget's tour data, index (with the badges) and message pages (§3, §4)
- :mod:`contracts.liveversion`: the pointer in the loader that names the live version (§3)
- :mod:`contracts.deployrecord`: what deploy recorded, ``MediaWiki:Wikitours/deployed.json`` (§3)
- :mod:`contracts.progress`: a learner's progress record, ``User:NAME/wikitours.json`` (§5)
- :mod:`contracts.mentorlist`: the mentor list (§7)
- :mod:`contracts.mentoreligibility`: its settings page and who on it counts (§7)
- :mod:`contracts.mentees`: the mentee records (§7)
- :mod:`contracts.markers`: the hidden markers in the bots' posts (§7, §9)
- :mod:`contracts.experiments`: experiments, their records and the assignment rule (§7)
- :mod:`contracts.approvals`: the approvals page (§12)
- :mod:`contracts.syncstate`: the sync's state on each wiki (§11)
- :mod:`contracts.assessors`: the assessors page (§13)
- :mod:`contracts.revisions`: a revision as the API answers it (what the evidence and practice checks read)
- :mod:`contracts.problems`, :mod:`contracts.users`: problems as values, user names

``tests/contracts/test_contracts_docs.py`` sends every example of ``docs/contracts.md`` through its module.
"""
