"""Settings of the web server the fault tests start: the project's, with the trust
middleware placed as docs/RESILIENCE.md asks (a no-op once settings.py has it)."""

from motcua.settings import *  # noqa: F403
from motcua.settings import MIDDLEWARE
from tests.faults.helpers import with_trust_middleware

MIDDLEWARE = with_trust_middleware(MIDDLEWARE)
