"""``python -m tours``: see :mod:`tours.cli`."""

import sys

from tours.cli import main

sys.exit(main())
