"""``python -m azureml_obo_harness.scan``: the same as ``cassette-scan``."""

import sys

from azureml_obo_harness.scan.cli import main

sys.exit(main())
