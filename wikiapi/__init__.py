"""The one Pywikibot wiki client shared by publishing and the bots."""
