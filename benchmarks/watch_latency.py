"""How fast `propgen watch --pdf` turns a saved edit into a new English PDF, against a cold build.

Run: python benchmarks/watch_latency.py [--edits 12] [--cold-runs 3]
Copies samples/letter-onnuri.yaml into a temporary folder and starts `propgen watch FILE
--pdf` on it (a separate process, as a writer runs it). Each edit appends a sentence to the
first answer and saves the file; the time measured runs from the save until the English PDF
has been replaced and its text contains the sentence. The watch's rebuild of the Korean and
side-by-side PDFs is let finish before the next edit. In the same run, a cold `propgen build
FILE --pdf` of the same file is timed. Targets: median edit-to-PDF <= 0.6 s and >= 4x faster
than the cold build.
"""

from __future__ import annotations

import argparse
import os
import platform
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "letter-onnuri.yaml"
ANSWER = "products are part of the hardware layer of any full-stack AI export package."


def pdf_text(pdf: Path) -> str:
    result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    return " ".join(result.stdout.split())


def pump(stream: IO[str], lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))


def wait_for(lines: queue.Queue[str], needle: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        if needle in line:
            return line


def replaced_since(pdf: Path, before: tuple[int, int] | None) -> bool:
    try:
        stat = pdf.stat()
    except FileNotFoundError:
        return False
    return (stat.st_ino, stat.st_mtime_ns) != before


def identity(pdf: Path) -> tuple[int, int] | None:
    try:
        stat = pdf.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=12, help="edits to time (12)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold builds to time (3)")
    args = parser.parse_args()
    propgen = [sys.executable, "-m", "generator"]
    print(f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"python:  {platform.python_version()}; soffice: {shutil.which('soffice')}")

    with tempfile.TemporaryDirectory(prefix="propgen-bench-") as temp:
        source = Path(temp, "src", "letter.yaml")
        source.parent.mkdir()
        shutil.copyfile(SAMPLE, source)
        out = Path(temp, "out")
        pdf = out / "letter.en.pdf"
        watch = subprocess.Popen(
            [*propgen, "watch", str(source), "-o", str(out), "--pdf", "--lang", "en"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )
        assert watch.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=pump, args=(watch.stdout, lines), daemon=True).start()
        latencies = []
        try:
            wait_for(lines, "watching ")
            text = source.read_text("utf-8")
            for number in range(args.edits):
                sentence = f"Benchmark sentence number {number + 1} closes this answer."
                text = text.replace(ANSWER, f"{ANSWER} {sentence}", 1)
                before = identity(pdf)
                started = time.perf_counter()
                source.write_text(text, "utf-8")
                while True:
                    if replaced_since(pdf, before):
                        seen = time.perf_counter()
                        before = identity(pdf)
                        if sentence in pdf_text(pdf):
                            break
                    time.sleep(0.005)
                latencies.append(seen - started)
                wait_for(lines, " built in ")  # the Korean and side-by-side PDFs too
        finally:
            watch.send_signal(signal.SIGINT)
            watch.wait(60)

        cold = []
        for run in range(args.cold_runs):
            started = time.perf_counter()
            subprocess.run([*propgen, "build", str(source), "-o", str(Path(temp, f"cold{run}")),
                            "--pdf"], check=True, capture_output=True)
            cold.append(time.perf_counter() - started)

    median, cold_median = statistics.median(latencies), statistics.median(cold)
    print(f"edits:   {len(latencies)}; edit to English PDF: median {median:.3f} s, "
          f"min {min(latencies):.3f} s, max {max(latencies):.3f} s")
    print(f"cold `propgen build --pdf`: median {cold_median:.3f} s of {len(cold)} "
          f"({', '.join(f'{c:.2f}' for c in cold)})")
    ratio = cold_median / median
    print(f"median:  {'meets' if median <= 0.6 else 'misses'} the 0.6 s target")
    print(f"ratio:   {ratio:.1f}x ({'meets' if ratio >= 4 else 'below'} the 4x target)")


if __name__ == "__main__":
    main()
