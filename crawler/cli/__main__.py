"""``python -m crawler.cli`` = the `leadwatch` command."""

import sys

from crawler.cli.main import main

sys.exit(main())
