"""The on-wiki contracts (docs/contracts.md): one module per contract, reading and writing it.

Pure code only (no wiki access): the compiler, the bots and the app import these modules.
"""
