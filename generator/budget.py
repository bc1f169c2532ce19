"""Budgets for custom templates: what a template may cost, and what it may not reach.

Jinja's sandbox stops a template from reaching Python internals, not from asking for a
gigabyte (`'%01000000000d' % 1`, `'x'|center(10**9)`, doubling in a loop) or from running
for ever (nested loops). Single operations that would build huge values are refused
before they run; everything else is bounded by a time and a memory budget per render.
A template package must also stay self-contained: no linked (external) pictures or
INCLUDE*/LINK fields, through which LibreOffice would read local files or fetch URLs.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from jinja2.exceptions import SecurityError

# Any one text, list or number a template builds: far above what a proposal needs.
MAX_ITEMS = 1_000_000
MAX_BITS = 1_000_000
RENDER_SECONDS = 30.0
RENDER_MEMORY_BYTES = 1 << 30
# A template package: parts above this unpacked size are not a template.
MAX_TEMPLATE_BYTES = 64 * 1024 * 1024
MAX_PARTS = 2_000

_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
# Word records the template a document was made from (Normal.dotm on the author's disk):
# harmless to allow, and dropped from the package before rendering (`drop_attached_template`).
_ATTACHED = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
_FIELDS = re.compile(rb"\b(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|DDEAUTO|DDE|IMPORT)\b")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.S)
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*:([^{}]*)\}")


class BudgetExceeded(Exception):
    """A render ran out of time or memory."""


def check_package(data: bytes) -> str | None:
    """Why a template package may not be used, or None: too large once unpacked, or
    reaching outside itself (external relationships other than hyperlinks, INCLUDE*,
    LINK or DDE fields)."""
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        return None  # reported as "not a Word document" when parsed
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS or sum(i.file_size for i in infos) > MAX_TEMPLATE_BYTES:
            return (f"its parts unpack to more than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB "
                    f"(or {MAX_PARTS} parts)")
        for info in infos:
            try:
                body = archive.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                return f"the part {info.filename} cannot be read"
            if info.filename.endswith(".rels"):
                for tag in _RELATIONSHIP.findall(body):
                    if (b'TargetMode="External"' in tag and _HYPERLINK.encode() not in tag
                            and _ATTACHED.encode() not in tag):
                        return (f"{info.filename} links to an outside file or address "
                                f"({_attribute(tag, b'Target')}); embed pictures instead of "
                                f"linking them")
            elif info.filename.endswith(".xml") and b"instr" in body:
                for instruction in re.findall(rb'instr="([^"]*)"|<w:instrText[^>]*>([^<]*)<',
                                              body):
                    found = _FIELDS.search(b"".join(instruction).upper())
                    if found:
                        return (f"{info.filename} has a {found.group().decode()} field, which "
                                f"reads other files; remove it")
    return None


def drop_attached_template(document: Any) -> None:
    """Remove the link to the Word template a document was made from (a path on someone's
    disk), so no converter goes looking for it."""
    from docx.oxml.ns import qn

    for part in document.part.package.iter_parts():
        for key, relationship in list(part.rels.items()):
            if relationship.is_external and relationship.reltype == _ATTACHED:
                part.rels.pop(key)
    settings = document.settings.element
    for element in settings.findall(qn("w:attachedTemplate")):
        settings.remove(element)


def _attribute(tag: bytes, name: bytes) -> str:
    match = re.search(rb"\b" + name + rb'="([^"]*)"', tag)
    return match.group(1).decode("utf-8", "replace")[:80] if match else "?"


def _too_big(value: Any) -> bool:
    if isinstance(value, str | bytes | list | tuple):
        return len(value) > MAX_ITEMS
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() > MAX_BITS
    return False


def _refuse(what: str) -> SecurityError:
    return SecurityError(f"{what} beyond {MAX_ITEMS} characters or items is not allowed")


def _width(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ITEMS


def check_format(spec: str) -> None:
    """Refuse %- and {}-format strings whose widths or precisions would build huge text."""
    for match in _PERCENT_SPEC.finditer(spec):
        for group in match.groups():
            if group == "*" or (group and len(group) > 6):
                raise _refuse("a formatted width")
    for match in _BRACE_SPEC.finditer(spec):
        if "{" in match.group(1) or any(len(d) > 6 for d in re.findall(r"\d+", match.group(1))):
            raise _refuse("a formatted width")


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse one operation whose result would be huge, before it is computed."""
    if operator == "%" and isinstance(left, str):
        check_format(left)
    elif operator == "**" and isinstance(left, int) and isinstance(right, int):
        if right > 0 and abs(left) > 1 and left.bit_length() * right > MAX_BITS:
            raise SecurityError(f"a power of more than {MAX_BITS} bits is not allowed")
    elif operator == "*":
        for sequence, times in ((left, right), (right, left)):
            if (isinstance(sequence, str | list | tuple) and isinstance(times, int)
                    and len(sequence) * times > MAX_ITEMS):
                raise _refuse("repeating text or a list")
        if isinstance(left, int) and isinstance(right, int) and (
                left.bit_length() + right.bit_length() > MAX_BITS):
            raise SecurityError(f"a product of more than {MAX_BITS} bits is not allowed")
    elif (operator == "+" and isinstance(left, str | list | tuple)
          and isinstance(right, str | list | tuple) and len(left) + len(right) > MAX_ITEMS):
        raise _refuse("joining text or lists")


_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}


def check_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse method calls on text that would build huge text."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    values = (*args, *kwargs.values())
    if name in _WIDTH_METHODS and any(_width(v) for v in values):
        raise _refuse(f"{name}()")
    if name in ("format", "format_map"):
        check_format(owner)
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) \
            and isinstance(args[1], str):
        count = owner.count(args[0]) if args[0] else len(owner) + 1
        if len(owner) + count * (len(args[1]) - len(args[0])) > MAX_ITEMS:
            raise _refuse("replace()")
    elif (name == "join" and args and isinstance(args[0], list | tuple)
          and sum(len(str(v)) for v in args[0]) + len(owner) * len(args[0]) > MAX_ITEMS):
        raise _refuse("join()")


def guard_filters(filters: dict[str, Callable[..., Any]]) -> None:
    """Wrap the built-in filters that can build huge text from small arguments."""

    def wrap(name: str, check: Callable[..., None]) -> None:
        original = filters[name]

        def guarded(*args: Any, **kwargs: Any) -> Any:
            check(*args, **kwargs)
            return original(*args, **kwargs)

        guarded.__dict__.update(original.__dict__)  # keeps Jinja's pass_eval_context marks
        filters[name] = guarded

    def width_check(*args: Any, **kwargs: Any) -> None:
        if any(_width(v) for v in (*args[1:], *kwargs.values())):
            raise _refuse("a filter's width")

    def format_check(value: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(value, str):
            check_format(value)

    def replace_check(*args: Any, **kwargs: Any) -> None:
        strings = [a for a in args if isinstance(a, str)]
        if len(strings) >= 3:
            value, old, new = strings[-3:]
            count = value.count(old) if old else len(value) + 1
            if len(value) + count * (len(new) - len(old)) > MAX_ITEMS:
                raise _refuse("replace")

    for name in ("center", "indent", "wordwrap", "truncate"):
        if name in filters:
            wrap(name, width_check)
    wrap("format", format_check)
    wrap("replace", replace_check)


def lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    """Jinja's lorem-ipsum generator with its sizes capped."""
    from jinja2.utils import generate_lorem_ipsum

    if any(_width(v) or (isinstance(v, int) and v > 1000) for v in (n, min, max)):
        raise SecurityError("lipsum() beyond 1000 paragraphs or words is not allowed")
    return str(generate_lorem_ipsum(n, html, min, max))


def _address_space() -> int | None:
    """This process's current virtual size in bytes (Linux), or None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def render_budget(seconds: float | None = None, memory: int | None = None) -> Iterator[None]:
    """Run a render with a time budget (SIGALRM, main thread only) and a memory budget
    (the address-space limit raised by `memory` over what the process uses now, Linux);
    running out raises `BudgetExceeded` or `MemoryError`, and the limits are restored."""
    seconds = RENDER_SECONDS if seconds is None else seconds
    memory = RENDER_MEMORY_BYTES if memory is None else memory
    timed = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous_handler: Any = None
    if timed:
        def expired(signum: int, frame: Any) -> None:
            raise BudgetExceeded(f"it ran longer than {seconds:g} seconds")

        previous_handler = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    limits = _lower_memory(memory)
    try:
        yield
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
        if limits is not None:
            import resource

            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_AS, limits)


def _lower_memory(memory: int) -> tuple[int, int] | None:
    try:
        import resource
    except ImportError:
        return None
    used = _address_space()
    if used is None:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = used + memory
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        return None
    if hard != resource.RLIM_INFINITY and hard < wanted:
        return None
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        return None
    return soft, hard
