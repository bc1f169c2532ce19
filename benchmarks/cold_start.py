"""Cold `propgen build` of the samples vs a bare import of the libraries it stands on.

Target: the build takes at most 1.5x the time of
`python -c "import docxtpl, pydantic, babel, click"`. Each command runs in a new process,
`--runs` times; the medians are compared.

    python benchmarks/cold_start.py --runs 7
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    imports = [sys.executable, "-c", "import docxtpl, pydantic, babel, click"]
    with tempfile.TemporaryDirectory() as out:
        build = [sys.executable, "-m", "generator", "build", "samples/", "-o", out, "--force"]
        timed(build)  # warm the OS file cache and Python's bytecode cache once
        timed(imports)
        base = statistics.median(timed(imports) for _ in range(args.runs))
        ours = statistics.median(timed(build) for _ in range(args.runs))
    print(f"machine: {platform.machine()}, {platform.system()}, Python "
          f"{platform.python_version()}, cores {__import__('os').cpu_count()}")
    print(f"bare import of docxtpl, pydantic, babel, click: {base * 1000:.0f} ms (median)")
    print(f"propgen build samples/ (6 documents):          {ours * 1000:.0f} ms (median)")
    ratio = ours / base
    print(f"ratio: {ratio:.2f}x (target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
