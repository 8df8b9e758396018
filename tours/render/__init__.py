"""Renderers: pure functions from the (wiki-adapted) model and its texts to page texts.

``helppage``, ``catalogue`` and ``badges`` write wikitext through jinja2 templates
(``templates/*.wiki.j2``) in which every text passes the ``wt`` filter of ``common``, which
escapes it with ``wikitext``; ``gadgetdata`` writes the JSON pages the gadget reads.
"""
