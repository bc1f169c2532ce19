"""propgen's bridge to a running LibreOffice, for `propgen watch` (generator/office.py).

This file runs under the Python that has LibreOffice's `uno` module (Debian: python3-uno for
/usr/bin/python3; LibreOffice's own bundled Python elsewhere), not under propgen's Python,
so it imports nothing of propgen and only the standard library besides `uno`.

    python3 uno_bridge.py PIPE-NAME SOFFICE-PID FOLDER

connects to the `soffice --accept=pipe,name=PIPE-NAME;urp;` that propgen started, prints
{"ready": true} as one JSON line, then answers one JSON line per request line read from
standard input: {"source": URL, "target": URL, "nogap": bool, "errors": URL} runs the export
macro's ExportOne (libreoffice/Export.bas, the same code a cold `build --pdf` runs) and
answers {"ok": true} or {"ok": false, "error": "..."}. {"quit": true} tells LibreOffice to
quit and ends the bridge; propgen then does the rest. Standard input closing without it
means propgen died (SIGKILL, a crash): the bridge then stops LibreOffice itself and removes
FOLDER, propgen's temporary folder of this LibreOffice, so nothing of it stays behind.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import sys
import time

import uno

SCRIPT = "vnd.sun.star.script:Propgen.Export.ExportOne?language=Basic&location=application"
CONNECT_SECONDS = 60.0


def connect(pipe: str) -> object:
    """The component context of the LibreOffice listening on `pipe`, waiting for it to start."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            return resolver.resolve(url)
        except Exception:  # NoConnectException while soffice is still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def reply(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def tidy(pipe: str, soffice_pid: int, folder: str) -> None:
    """What propgen would have done on closing: LibreOffice gone, its files removed."""
    deadline = time.monotonic() + 10
    while running(soffice_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.killpg(soffice_pid, signal.SIGKILL)
    shutil.rmtree(folder, ignore_errors=True)
    for stale in glob.glob(f"/tmp/OSL_PIPE_*_{glob.escape(pipe)}"):
        with contextlib.suppress(OSError):
            os.unlink(stale)


def main(pipe: str, soffice_pid: int, folder: str) -> int:
    try:
        context = connect(pipe)
        manager = context.ServiceManager  # type: ignore[attr-defined]
        factory = manager.createInstanceWithContext(
            "com.sun.star.script.provider.MasterScriptProviderFactory", context)
        export = factory.createScriptProvider("").getScript(SCRIPT)
        desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    except Exception as error:
        reply({"ready": False, "error": f"{type(error).__name__}: {error}"})
        return 1
    reply({"ready": True})
    quit_asked = False
    for line in sys.stdin:
        try:
            job = json.loads(line)
            if job.get("quit"):
                quit_asked = True
                break
            export.invoke((job["source"], job["target"], bool(job["nogap"]), job["errors"]),
                          (), ())
        except Exception as error:  # a dead LibreOffice: DisposedException, RuntimeException
            reply({"ok": False, "error": f"{type(error).__name__}: {error}"})
        else:
            reply({"ok": True})
    with contextlib.suppress(Exception):  # already gone: propgen kills what is left
        desktop.terminate()
    if not quit_asked:
        tidy(pipe, soffice_pid, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
