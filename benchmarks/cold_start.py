"""Cold `propgen build` of the samples vs a bare import of the libraries it stands on.

Target: the build takes at most 1.5x the time of
`python -c "import docxtpl, pydantic, babel, click"`. Each command runs in a new process,
`--runs` times, interleaved; the medians are compared.

A third command shows the floor under any build: the same imports plus propgen's pydantic
models and the program profile, validated (no YAML of the user's, no document). `import
pydantic` alone is lazy (BaseModel is imported on first use), so this is where pydantic's
real import and the building of its validators land.

    python benchmarks/cold_start.py --runs 9
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "import docxtpl, pydantic, babel, click"
FLOOR = BASELINE + "; from generator.loader import load_profile; load_profile()"


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    # The libraries were byte-compiled when pip installed them; an editable checkout of
    # propgen is not, and PYTHONDONTWRITEBYTECODE would keep it so, charging every run
    # for compiling propgen's source. Compile it once, as installing a wheel would.
    compileall.compile_dir(ROOT / "generator", quiet=1)
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "base": [sys.executable, "-c", BASELINE],
            "floor": [sys.executable, "-c", FLOOR],
            "build": [sys.executable, "-m", "generator", "build", "samples/", "-o", out,
                      "--force"],
        }
        for command in commands.values():  # warm the OS file cache
            timed(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command))
    base, floor, build = (statistics.median(times[n]) for n in ("base", "floor", "build"))
    print(f"machine: {platform.machine()}, {platform.system()}, Python "
          f"{platform.python_version()}, cores {os.cpu_count()}; medians of {args.runs} runs")
    print(f"bare import of docxtpl, pydantic, babel, click:   {base * 1000:4.0f} ms")
    print(f"... + propgen's models and profile, validated:   {floor * 1000:4.0f} ms "
          f"({floor / base:.2f}x, the floor under any build)")
    print(f"propgen build samples/ (6 documents):             {build * 1000:4.0f} ms")
    ratio = build / base
    print(f"ratio: {ratio:.2f}x (target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})")


if __name__ == "__main__":
    main()
