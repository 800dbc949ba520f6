"""`python -m captionkit_spark ...` (scripts/caption-spark): the Spark job's command line."""

import sys

from .cli import main

sys.exit(main())
