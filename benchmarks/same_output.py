"""Byte-for-byte guard for speed work: build a fixed set of inputs and compare every file
with a reference folder made before the change.

A speed change must not change what a reader gets; this is the check that says so. The set
is the samples built plainly, with --draft and with --public, a draft with Korean missing
(highlighted gaps), and a scaled proposal (30 members, 12 targets).

    python benchmarks/same_output.py save /tmp/ref      # before the change
    python benchmarks/same_output.py compare /tmp/ref   # after it: exit 1 on a difference
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _variants import ROOT, load_sample, scaled, write


def _inputs(folder: Path) -> Path:
    """The extra inputs: a draft with Korean text missing, and a scaled proposal."""
    folder.mkdir(parents=True, exist_ok=True)
    base = load_sample()
    gaps = scaled(base, 3, 2)
    gaps["executive_summary"]["ko"] = ""
    for target in gaps["targets"]:
        target["rationale"].pop("ko", None)
    write(gaps, folder / "gaps.yaml")
    write(scaled(base, 30, 12), folder / "scaled.yaml")
    return folder


def build_all(out: Path) -> None:
    """Every build of the set into its own sub-folder of `out`."""
    from generator.build import BuildOptions, build_files

    samples = ROOT / "samples"
    with tempfile.TemporaryDirectory() as scratch:
        extra = _inputs(Path(scratch))
        runs = {  # (inputs, draft, public)
            "plain": ([samples], False, False),
            "draft": ([samples], True, False),
            "public": ([samples], False, True),
            "gaps": ([extra / "gaps.yaml"], True, False),
            "scaled": ([extra / "scaled.yaml"], False, False),
        }
        for name, (paths, draft, public) in runs.items():
            options = BuildOptions(output_dir=out / name, draft=draft, public=public)
            result = build_files(paths, options, jobs=1)
            assert not result.errors and not result.refused, (name, result.errors[:3])


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("reference", type=Path)
    args = parser.parse_args()
    if args.action == "save":
        build_all(args.reference)
        print(f"{len(_files(args.reference))} files in {args.reference}")
        return
    with tempfile.TemporaryDirectory() as scratch:
        build_all(Path(scratch))
        new, old = _files(Path(scratch)), _files(args.reference)
    differ = sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(old) - len(differ)} of {len(old)} files identical")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
