"""Run every benchmark under bench/ (files named bench_*.py) and print their figures."""

import subprocess
import sys
from pathlib import Path

failed = 0
for script in sorted(Path(__file__).parent.glob("bench_*.py")):
    print(f"\n=== {script.name} ===", flush=True)
    failed |= subprocess.call([sys.executable, str(script), *sys.argv[1:]]) != 0
sys.exit(failed)
