"""wikitours' tour compiler: ``tours.yaml`` in, validated model, help pages and gadget data out."""

__version__ = "0.1.0"
