"""Build time of one proposal as it grows: 10, 100, 1,000 members; 10, 100 targets.

Target: time grows linearly with size, and 1,000 members build in under 5 s. Each size is
built (validate, check, three documents) `--runs` times; the best time is reported.

    python benchmarks/scaling.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _variants import load_sample, scaled, write


def build_time(path: Path, runs: int) -> float:
    from generator.build import build_submission
    from generator.loader import load_profile, load_submission

    profile = load_profile()
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        submission, _ = load_submission(path, profile=profile)
        build_submission(submission, profile, stem="scaled")
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    base = load_sample()
    build_time(Path(__file__).resolve().parent.parent / "samples" / "proposal-lodestar.yaml", 1)
    with tempfile.TemporaryDirectory() as folder:
        print("members  targets   seconds  ms per member/target")
        rows = []
        for members, targets in ((10, 10), (100, 10), (1000, 10), (10, 100)):
            target = Path(folder) / f"m{members}t{targets}.yaml"
            path = write(scaled(base, members, targets), target)
            seconds = build_time(path, args.runs)
            rows.append((members, targets, seconds))
            per_item = seconds * 1000 / (members + targets)
            print(f"{members:7d}  {targets:7d}  {seconds:8.2f}  {per_item:8.1f}")
    by_size = {(m, t): s for m, t, s in rows}
    member_ratio = by_size[(1000, 10)] / by_size[(100, 10)]
    target_ratio = by_size[(10, 100)] / by_size[(10, 10)]
    print(f"1,000 vs 100 members: {member_ratio:.1f}x the time for 10x the members "
          f"(linear: about 10x or less)")
    print(f"100 vs 10 targets: {target_ratio:.1f}x the time for 10x the targets")
    ok = by_size[(1000, 10)] < 5
    verdict = "met" if ok else "NOT met"
    print(f"1,000 members in {by_size[(1000, 10)]:.2f} s (target < 5 s: {verdict})")


if __name__ == "__main__":
    main()
