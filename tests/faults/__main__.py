"""`python -m tests.faults`: see runner.py."""

import sys

from tests.faults.runner import main

sys.exit(main())
