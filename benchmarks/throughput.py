"""Documents per second: propgen (1 and 2 jobs) vs a plain docxtpl loop.

The plain loop loads, renders and saves templates/proposal.docx with one prepared context,
in one process: the cost of docxtpl itself. propgen does more per document (YAML, pydantic
validation, program checks, babel formatting, the side-by-side copy) on `--files` varied
proposals, three documents each. Targets: 1 job >= 1.5x the plain loop, 2 jobs >= 2.5x.
Also prints the peak RSS of the process and of the worker processes (target < 300 MB).

    python benchmarks/throughput.py --documents 1000
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _variants import ROOT, load_sample, variant, write


def plain_docxtpl(documents: int) -> float:
    from docxtpl import DocxTemplate

    from generator.build import annex_context
    from generator.checks import check_submission, compliance_matrix
    from generator.context import proposal_context
    from generator.loader import load_profile, load_submission
    from generator.models import Proposal

    profile = load_profile()
    submission, _ = load_submission(ROOT / "samples" / "proposal-lodestar.yaml", profile=profile)
    assert isinstance(submission, Proposal)
    context = proposal_context(submission, profile, "en")
    context["annex"] = annex_context(
        compliance_matrix(check_submission(submission, profile), profile, "en"), "en")
    template_path = ROOT / "templates" / "proposal.docx"
    start = time.perf_counter()
    for _ in range(documents):
        template = DocxTemplate(template_path)
        template.render(context, autoescape=True)
        template.save(io.BytesIO())
    return documents / (time.perf_counter() - start)


def propgen(paths: list[Path], jobs: int) -> tuple[float, int]:
    from generator.build import BuildOptions, build_files

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = build_files(paths, BuildOptions(output_dir=Path(out)), jobs=jobs)
        elapsed = time.perf_counter() - start
    assert not result.errors and not result.refused, result.errors[:3]
    documents = len(result.written)
    return documents / elapsed, documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000,
                        help="documents per measurement (default 1000)")
    args = parser.parse_args()
    files = -(-args.documents // 3)
    base = load_sample()
    with tempfile.TemporaryDirectory() as folder:
        paths = [write(variant(base, i), Path(folder) / f"p{i:04d}.yaml") for i in range(files)]
        plain = plain_docxtpl(args.documents)
        one, count = propgen(paths, 1)
        two, _ = propgen(paths, 2)
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"cores {os.cpu_count()}")
    print(f"plain docxtpl loop:  {plain:6.1f} documents/s ({args.documents} documents)")
    print(f"propgen, 1 job:      {one:6.1f} documents/s ({count} documents, {files} files)")
    print(f"propgen, 2 jobs:     {two:6.1f} documents/s")
    print(f"ratio 1 job:  {one / plain:.2f}x (target >= 1.5x: "
          f"{'met' if one / plain >= 1.5 else 'NOT met'})")
    print(f"ratio 2 jobs: {two / plain:.2f}x (target >= 2.5x: "
          f"{'met' if two / plain >= 2.5 else 'NOT met'})")
    print(f"peak RSS: this process {rss_self:.0f} MB, largest worker {rss_children:.0f} MB "
          f"(target < 300 MB: {'met' if max(rss_self, rss_children) < 300 else 'NOT met'})")


if __name__ == "__main__":
    main()
