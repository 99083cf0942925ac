import sys

from readlist.cli import main

sys.exit(main())
