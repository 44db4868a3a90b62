"""How a benchmark hands its figures to ``bench/run.py``: one ``BENCH_RESULT`` JSON line."""

import json

PREFIX = "BENCH_RESULT "


def emit(**figures) -> None:
    """Print ``figures`` (name → number) for ``bench/run.py`` to collect."""
    rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
    print(PREFIX + json.dumps(rounded), flush=True)
