import pytest
from django.conf import settings

from motcua.catalog.importing import import_procedures


@pytest.fixture
def catalogue(db):
    """The 72 procedures of the shared procedures.csv, published."""
    import_procedures(settings.MOTCUA_SHARED_DATA_DIR / "procedures.csv")
