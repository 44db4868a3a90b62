"""Starting Django does not import pyhanko.sign (about 0.4 s a process): it is imported
where a PDF is signed or verified (results/signing.py, results/verify.py)."""

import subprocess
import sys

SCRIPT = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view module, as a worker loads them
print(sorted(m for m in sys.modules if m == "pyhanko.sign" or m.startswith("pyhanko.sign.")))
"""


def test_starting_django_and_loading_every_view_does_not_import_pyhanko_sign():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
