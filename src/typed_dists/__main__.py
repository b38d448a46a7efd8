"""`python -m typed_dists check path/to/file.py:model`: see `_interop/_cli.py`."""

import sys

from ._interop._cli import main

sys.exit(main())
