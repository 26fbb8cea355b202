import sys

from fitclaim.cli import main

sys.exit(main())
