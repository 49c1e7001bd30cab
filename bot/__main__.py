"""`python -m bot`: hand over to the command line."""

import sys

from bot.cli import main

sys.exit(main())
