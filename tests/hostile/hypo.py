"""The hypothesis settings of the property tests (applied per test, not globally)."""

from django.conf import settings as django_settings
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

# Few examples and no deadline: the suite stays fast, and a loaded CI machine does not
# turn a slow example into a failure. Failing examples are remembered in var/hypothesis.
FAST = settings(
    max_examples=40,
    deadline=None,
    database=DirectoryBasedExampleDatabase(str(django_settings.VAR_DIR / "hypothesis")),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
