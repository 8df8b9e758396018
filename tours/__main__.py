"""``python -m tours``: the compiler's commands and publishing's ``pull``/``push``.

The one entry-point exception to the layer rule: it starts :mod:`publish.cli`, which adds the
publishing commands to :mod:`tours.cli` (docs/architecture.md)."""

import sys

from publish.cli import main

sys.exit(main())
