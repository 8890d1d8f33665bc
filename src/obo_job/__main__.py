"""Entry point for ``python -m obo_job``."""

import sys

from obo_job.cli import main

sys.exit(main())
