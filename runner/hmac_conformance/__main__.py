import sys

from hmac_conformance._cli import main

sys.exit(main())
