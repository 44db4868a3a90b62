"""The citizen's path in five pictures (README), and the journeys' figures.

    python bench/journey_pictures.py            # pictures + bench/results/journeys.json
    python bench/journey_pictures.py --before   # also copy the figures to journeys-before.json

Runs the browser walk of ``tests/browser/test_journeys.py`` (headless Chromium on a
live server with the e-ID provider and the payment-gateway simulator) with
``MOTCUA_JOURNEY_PICTURES=1``: at 390 px the walk saves the visible part of five
screens of the citizen's path to docs/screenshots/:

1. ``path-1-tim-kiem.png``: the search results for “xin giấy không tiền án”,
2. ``path-2-thu-tuc.png``: the procedure (Cấp Phiếu lý lịch tư pháp), opening on
   "Trước khi bắt đầu",
3. ``path-3-to-khai.png``: the tờ khai, prefilled from the population registry,
4. ``path-4-bien-nhan.png``: the receipt, with the fee and "Thanh toán ngay",
5. ``path-5-ket-qua.png``: the dossier once its signed result is returned, its
   "Kết quả" panel (download, "Xác minh kết quả", saved in the data store) on top.

One full-page screenshot of every citizen screen at 390 px goes to
``MOTCUA_JOURNEY_SHOTS`` (default here: var/journeys/).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def main(argv: list[str]) -> int:
    env = dict(os.environ, MOTCUA_JOURNEY_PICTURES="1")
    env.setdefault("MOTCUA_JOURNEY_SHOTS", str(ROOT / "var" / "journeys"))
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-s"]
    command += ["tests/browser/test_journeys.py"]
    code = subprocess.call(command, cwd=ROOT, env=env)
    walked = (RESULTS / "journeys.json").exists()
    if "--before" in argv and walked:
        shutil.copyfile(RESULTS / "journeys.json", RESULTS / "journeys-before.json")
    print(f"pictures: {ROOT / 'docs' / 'screenshots'}/path-*.png")
    print(f"every citizen screen at 390 px: {env['MOTCUA_JOURNEY_SHOTS']}")
    # A budget test that fails says so above: the pictures are still good.
    return 0 if walked else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
