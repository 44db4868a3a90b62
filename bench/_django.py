"""Django set-up shared by the benchmarks: a throwaway SQLite database by default."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup_django(name: str) -> str | None:
    """Point Django at a scratch SQLite database unless DATABASE_URL is set.

    Returns the scratch folder to remove afterwards (None when DATABASE_URL was set:
    then it must name an empty scratch database).
    """
    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = tempfile.mkdtemp(prefix=f"motcua-bench-{name}-")
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        os.environ.setdefault("MOTCUA_VAR_DIR", scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    return scratch
