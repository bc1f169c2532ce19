"""propgen's bridge to a running LibreOffice, for `propgen watch` (generator/office.py).

This file runs under the Python that has LibreOffice's `uno` module (Debian: python3-uno for
/usr/bin/python3; LibreOffice's own bundled Python elsewhere), not under propgen's Python,
so it imports nothing of propgen and only the standard library besides `uno`.

    python3 uno_bridge.py PIPE-NAME

connects to the `soffice --accept=pipe,name=PIPE-NAME;urp;` that propgen started, prints
{"ready": true} as one JSON line, then answers one JSON line per request line read from
standard input: {"source": URL, "target": URL, "nogap": bool, "errors": URL} runs the export
macro's ExportOne (libreoffice/Export.bas, the same code a cold `build --pdf` runs) and
answers {"ok": true} or {"ok": false, "error": "..."}. When standard input closes, propgen
has finished (or died): LibreOffice is told to quit and the bridge exits.
"""

from __future__ import annotations

import contextlib
import json
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


def main(pipe: str) -> int:
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
    for line in sys.stdin:
        try:
            job = json.loads(line)
            export.invoke((job["source"], job["target"], bool(job["nogap"]), job["errors"]),
                          (), ())
        except Exception as error:  # a dead LibreOffice: DisposedException, RuntimeException
            reply({"ok": False, "error": f"{type(error).__name__}: {error}"})
        else:
            reply({"ok": True})
    with contextlib.suppress(Exception):  # already gone: propgen kills what is left
        desktop.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
