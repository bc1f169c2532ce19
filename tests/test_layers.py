"""The import graph flows one way, down the layers; imports inside functions are known.

Each module belongs to one layer; a module may import from its own layer or any layer
below, never above. The walk reads every import statement, at the top of a module and
inside functions alike, so a cycle cannot hide in a function body.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Bottom to top (README "Layout of the code").
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "i18n", "language", "suggest"),  # language table, gettext, Babel formatting,
    # string helpers; scripts, placeholders and invisible characters in text; "did you mean"
    ("errors",),  # the diagnostic record, user errors, exit codes
    ("models", "sections", "richtext"),  # pydantic models of a submission; proposal
    # section table; rich text parsed
    ("program", "questions", "schema"),  # the program profile's models; the notice's
    # questions; the JSON Schema with the profile's ids
    ("yaml_source", "yaml_hints", "scalars", "yamlguard"),  # reading YAML: guards (the
    # event-stream pass), positions; syntax mistakes worded; folded blank lines
    ("validation",),  # pydantic errors -> diagnostics
    ("rules", "checks", "acknowledge"),  # the rule registry and the program's rules, the
    # matrix; warnings the team acknowledged
    ("loader",),  # loading: read, validate, structural rules; the profile
    ("context", "explain", "fields"),  # render context; a file in words; field controls
    ("output", "layout", "render", "ooxml", "readback", "pdf", "gaps", "template_checks",
     "budget", "keep"),
    # OOXML, writes, contents and Korean justification, docxtpl, rich text as Word markup
    # and read back from it, PDF; a custom template's budgets; backups and stale PDFs
    ("office",),  # a LibreOffice kept running (UNO bridge), on pdf's profile and macro
    ("inputs", "drift"),  # find files, load and check each once; the review sidecar
    ("build", "starters", "translate", "exports"),  # the pipeline; starter files;
    # translation sheets; exported copies
    ("watch",),  # rebuild on save: the pipeline per changed file, PDFs through office
    ("revisions", "redline", "pull"),  # FILE@REV, tracked-change redlines, Word edits back
    ("cli", "__main__", "click_i18n"),  # click, thin; --help in the user's language
)

# Imports of propgen modules inside functions, each kept lazy for the cold start: a
# command imports only what it runs, and rendering (docxtpl, python-docx, lxml) is loaded
# only when a document is built.
LAZY: frozenset[tuple[str, str]] = frozenset({
    ("cli", "inputs"), ("cli", "loader"), ("cli", "output"),
    ("cli", "starters"), ("cli", "build"), ("cli", "office"), ("cli", "watch"),
    ("cli", "translate"), ("cli", "drift"),
    ("cli", "questions"), ("cli", "schema"), ("cli", "explain"), ("cli", "exports"),
    ("cli", "redline"), ("cli", "pull"), ("cli", "keep"),
    ("starters", "output"),
    ("build", "render"), ("build", "context"), ("build", "output"), ("build", "pdf"),
    ("build", "gaps"), ("build", "keep"),
    ("build", "template_checks"),
    # markdown-it only when a rule reads a field's structure (not for `validate`); ooxml
    # uses render's set_child, so render reaches it inside functions.
    ("checks", "richtext"), ("render", "ooxml"),
    # a `>` block holding list lines is parsed only when a file has one (scalars.py)
    ("scalars", "richtext"),
    # markdown-it only when a text holds a list mark (rules/text.py)
    ("rules", "richtext"),
})


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    for index, names in enumerate(LAYERS):
        if top in names:
            return index
    raise AssertionError(f"generator/{module.replace('.', '/')}.py is in no layer; add it "
                         "to LAYERS in tests/test_layers.py and to README 'Layout of the code'")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def resolve(dotted: str) -> str:
    """The propgen module a dotted name is, or holds (`x.name` -> `x`); the package's
    `__init__` for a name of the package itself."""
    while dotted:
        path = PACKAGE / dotted.replace(".", "/")
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return dotted
        dotted = dotted.rpartition(".")[0]
    return "__init__"


def imports(source: str, module: str, is_package: bool = False) -> list[tuple[str, int, bool]]:
    """(imported propgen module, line, inside a function) for every import in `source`."""
    found: list[tuple[str, int, bool]] = []
    package = module.split(".") if is_package else module.split(".")[:-1]

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            names: list[str] = []
            if isinstance(child, ast.ImportFrom) and child.level:
                base = package[: len(package) - (child.level - 1)]
                target = ".".join([*base, child.module] if child.module else base)
                names = [f"{target}.{alias.name}".lstrip(".") for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.module:
                names = [f"{child.module}.{alias.name}" for alias in child.names]
            elif isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            for name in names:
                if name.split(".")[0] == "generator":
                    name = name.removeprefix("generator").lstrip(".")
                elif not (isinstance(child, ast.ImportFrom) and child.level):
                    continue  # another package: not ours to layer
                found.append((resolve(name), getattr(child, "lineno", 0), in_function))
            visit(child, nested)

    visit(ast.parse(source), False)
    return found


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    out = []
    for target, line, in_function in imports(source, module, is_package):
        src, dst = module.split(".")[0], target.split(".")[0]
        if layer_of(dst) > layer_of(src):
            out.append(f"{module}:{line} imports {target}, a layer above it")
        if in_function and src != dst and (src, dst) not in LAZY:
            out.append(f"{module}:{line} imports {target} inside a function; import it at "
                       "the top, or add it to LAZY with the cold-start reason")
    return out


def test_imports_flow_down_the_layers() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text("utf-8")
        problems += violations(source, module_name(path), path.name == "__init__.py")
    assert problems == []


def test_every_lazy_import_is_still_there() -> None:
    """A LAZY entry whose import moved to the top (or went) is dropped from the list."""
    seen = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        for target, _line, in_function in imports(path.read_text("utf-8"), module,
                                                  path.name == "__init__.py"):
            if in_function:
                seen.add((module.split(".")[0], target.split(".")[0]))
    assert set(LAZY) <= seen, set(LAZY) - seen


def test_an_upward_import_fails_even_inside_a_function() -> None:
    upward = "def helper():\n    from .cli import main\n    return main\n"
    assert violations(upward, "models") == [
        "models:2 imports cli, a layer above it",
        "models:2 imports cli inside a function; import it at the top, or add it to LAZY "
        "with the cold-start reason",
    ]
    assert violations("from .checks import check_submission\n", "yaml_source") == [
        "yaml_source:1 imports checks, a layer above it"]
    assert violations("from generator.build import build_files\n", "loader") == [
        "loader:1 imports build, a layer above it"]
    assert violations("from ..loader import load_profile\n", "rules", is_package=True) == [
        "rules:1 imports loader, a layer above it"]
    assert violations("from .i18n import N_\n", "checks") == []


def test_a_module_outside_the_layers_is_named() -> None:
    try:
        layer_of("newstage")
    except AssertionError as error:
        assert "generator/newstage.py is in no layer" in str(error)
    else:
        raise AssertionError("a module in no layer passed")
