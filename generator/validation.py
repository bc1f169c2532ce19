"""pydantic's validation errors -> located problems, in our words and the user's language."""

from __future__ import annotations

import difflib
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import suggest
from .errors import Problem
from .i18n import N_, country_name, gettext_for, message
from .models import _ALPHA2, CUSTOM_MESSAGES, submission_json_schema
from .program import Profile
from .yaml_source import Loaded, Loc, format_path, key_position, locate

# --- messages -------------------------------------------------------------------------

# pydantic's own error types, in our words and through our catalogs.
MESSAGES: dict[str, str] = {
    "missing": N_("required field is missing"),
    "extra_forbidden": N_("unknown field '{field}'{hint}"),
    "string_type": N_("expected text, got {got}"),
    "int_type": N_("expected a whole number, got {got}"),
    "int_parsing": N_("expected a whole number, got {got}"),
    "float_type": N_("expected a number, got {got}"),
    "float_parsing": N_("expected a number, got {got}"),
    "decimal_type": N_("expected a number, got {got}"),
    "decimal_parsing": N_("expected a number, got {got}"),
    "bool_type": N_("expected true or false, got {got}"),
    "bool_parsing": N_("expected true or false, got {got}"),
    "date_type": N_("expected a date written YYYY-MM-DD, got {got}"),
    "date_parsing": N_("expected a date written YYYY-MM-DD, got {got}"),
    "date_from_datetime_parsing": N_("expected a date written YYYY-MM-DD, got {got}"),
    "date_from_datetime_inexact": N_("expected a date without a time, written YYYY-MM-DD"),
    "model_type": N_("expected a mapping (indented 'key: value' lines), got {got}"),
    "model_attributes_type": N_("expected a mapping (indented 'key: value' lines), got {got}"),
    "dict_type": N_("expected a mapping (indented 'key: value' lines), got {got}"),
    "list_type": N_("expected a list (lines starting with '- '), got {got}"),
    "literal_error": N_("must be one of: {expected}"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is longer than {max_length} characters"),
    "too_short": N_("needs at least {min_length} entry"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than_equal": N_("must be at most {le}"),
    "decimal_max_places": N_("has more than {decimal_places} decimal places"),
    "decimal_max_digits": N_("has more than {max_digits} digits"),
    "union_tag_invalid": N_("'{tag}' is not a kind of submission; use {expected_tags}"),
    "union_tag_not_found": N_(
        "the file must say what it is: 'kind: proposal' or 'kind: comment_letter'"
    ),
    "string_pattern_mismatch": N_("'{input}' is not in the expected form"),
}

_PATTERN_MESSAGES = {
    "^[a-z0-9][a-z0-9_-]*$": N_(
        "'{input}' is not a valid id; use lower-case letters, digits, - and _"
    ),
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": N_("'{input}' is not an e-mail address"),
    r"^[A-Z](\.[0-9]+)?$": N_(
        "'{input}' is not a question id; write a question such as A.1 or a section such as C"
    ),
}

_GOT = {
    type(None): N_("nothing"),
    bool: N_("true/false"),
    int: N_("a number"),
    float: N_("a number"),
    str: N_("text"),
    date: N_("a date"),
    CommentedMap: N_("a mapping"),
    dict: N_("a mapping"),
    CommentedSeq: N_("a list"),
    list: N_("a list"),
}


def _describe(value: Any, lang: str) -> str:
    _ = gettext_for(lang)
    # ruamel.yaml gives subclasses (ScalarInt, ScalarFloat, LiteralScalarString...).
    label = next((name for kind, name in _GOT.items() if isinstance(value, kind)), None)
    if label is None:
        return repr(value)
    if isinstance(value, str):
        shown = " ".join(value.split())  # one line, whatever the YAML block style
        return f"{_(label)} '{shown if len(shown) <= 40 else shown[:39] + '…'}'"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{_(label)} {value}"
    return _(label)


def pydantic_message(error: Any, data: Any, loc: Loc, schema: dict[str, Any], lang: str) -> str:
    template, ctx = pydantic_template(error, data, loc, schema, lang)
    return message(error["type"], template, ctx, lang)


def pydantic_template(
    error: Any, data: Any, loc: Loc, schema: dict[str, Any], lang: str
) -> tuple[str, dict[str, Any]]:
    """The message id for one pydantic error, and its values."""
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind in ("literal_error", "union_tag_invalid"):
        # pydantic lists choices as "'a', 'b' or 'c'": the "or" is in the user's language.
        key = "expected" if kind == "literal_error" else "expected_tags"
        ctx[key] = str(ctx.get(key, "")).replace(" or ", gettext_for(lang)(N_(" or ")))
    ctx.setdefault("got", _describe(value, lang))
    ctx.setdefault("input", value if isinstance(value, str) else str(value))
    if kind == "extra_forbidden":
        ctx["field"] = loc[-1] if loc else ""
        allowed = _allowed_keys(schema, data, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1) if allowed else []
        ctx["hint"] = (
            message("hint", N_("; did you mean '{name}'?"), {"name": close[0]}, lang)
            if close
            else message("hint", N_("; allowed here: {names}"), {"names": ", ".join(allowed)}, lang)
            if allowed
            else ""
        )
    if kind == "literal_error" and _is_member_role(loc):
        return _role_template(str(value)), ctx
    if kind == "string_pattern_mismatch":
        return _PATTERN_MESSAGES.get(str(ctx.get("pattern")), MESSAGES[kind]), ctx
    if kind == "too_short" and ctx.get("min_length") not in (None, 1):
        return N_("needs at least {min_length} entries"), ctx
    known = MESSAGES.get(kind) or CUSTOM_MESSAGES.get(kind)
    if known:
        return known, ctx
    return str(error.get("msg", kind)), {}


def _is_member_role(loc: Loc) -> bool:
    return len(loc) == 4 and loc[:2] == ("consortium", "members") and loc[3] == "role"


def _role_template(value: str) -> str:
    """A member's role is 'anchor' or 'member'; a "trusted partner" (what Korean firms
    asked for in their comments on the program) is no role of it, so say how to show one."""
    word = value.casefold()
    if any(part in word for part in ("partner", "trust", "ally", "allied")):
        return N_("'{input}' is not a role in a consortium: a member is 'anchor' (the lead "
                  "entity that submits the proposal) or 'member'; list a partner company from "
                  "an allied country as 'member', with its 'country', 'headquarters' and "
                  "'controlled_from', and say in 'contribution' what it brings")
    return N_("'{input}' is not a role in a consortium: write 'anchor' for the lead entity "
              "that submits the proposal, 'member' for any other")


def _value_hint(kind: str, ctx: dict[str, Any], lang: str) -> str:
    """"; did you mean 'GB' (United Kingdom)?" for a value that is close to a valid one."""
    if kind == "country_code" and isinstance(ctx.get("value"), str):
        code = suggest.country(ctx["value"], _ALPHA2)
        if code and suggest.country_named(ctx["value"]) == code:  # a name, not a typo
            return message("hint", N_("; the code of {country} is '{name}'"),
                           {"name": code, "country": country_name(code, lang)}, lang)
        if code:
            return message("hint", N_("; did you mean '{name}' ({country})?"),
                           {"name": code, "country": country_name(code, lang)}, lang)
        return ""
    if kind == "unknown_choice" and isinstance(ctx.get("value"), str):
        guess = suggest.closest(ctx["value"], str(ctx.get("choices", "")).split(", "))
    elif kind == "string_pattern_mismatch" and str(ctx.get("pattern")) == r"^[A-Z](\.[0-9]+)?$":
        guess = suggest.question_id(str(ctx.get("input", "")))
    else:
        return ""
    return did_you_mean(guess, lang)


def did_you_mean(guess: str | None, lang: str) -> str:
    """"; did you mean 'x'?" after a message, or "" without a guess."""
    return message("hint", N_("; did you mean '{name}'?"), {"name": guess}, lang) if guess else ""


# --- schema look-up for "did you mean" --------------------------------------------------


@lru_cache(maxsize=4)
def _schema_for(model_name: str) -> dict[str, Any]:
    if model_name == "Profile":
        return Profile.model_json_schema()
    return submission_json_schema()


def _allowed_keys(schema: dict[str, Any], data: Any, loc: Loc) -> list[str]:
    defs = schema.get("$defs", {})

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def options(node: dict[str, Any]) -> list[dict[str, Any]]:
        node = resolve(node)
        for key in ("oneOf", "anyOf"):
            if key in node:
                return [o for sub in node[key] for o in options(sub)]
        return [node]

    current = [schema]
    if isinstance(data, dict) and "oneOf" in schema:
        kind = data.get("kind")
        current = [
            o
            for o in options(schema)
            if o.get("properties", {}).get("kind", {}).get("const") == kind
        ] or options(schema)
    for step in loc:
        nxt: list[dict[str, Any]] = []
        for node in current:
            for option in options(node):
                if isinstance(step, int) and "items" in option:
                    nxt.append(option["items"])
                elif isinstance(step, str) and step in option.get("properties", {}):
                    nxt.append(option["properties"][step])
        current = nxt
    names: list[str] = []
    for node in current:
        for option in options(node):
            names.extend(k for k in option.get("properties", {}) if k not in names)
    return names


# --- validation -----------------------------------------------------------------------


def problems_from_validation(
    exc: ValidationError, loaded: Loaded, lang: str, model_name: str, strip_tag: bool
) -> list[Problem]:
    schema = _schema_for(model_name)
    problems: list[Problem] = []
    seen: set[tuple[int, int, str]] = set()
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        if strip_tag and loc and loc[0] in ("proposal", "comment_letter"):
            loc = loc[1:]
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = ("kind",) if isinstance(loaded.data, dict) and "kind" in loaded.data else ()
        if error["type"] == "extra_forbidden":
            line, col = key_position(loaded.tree, loc)
        else:
            line, col = locate(loaded.tree, loc)
        if error["type"] == "union_tag_invalid":
            error = {
                **error,
                "ctx": {**error.get("ctx", {}), "expected_tags": "'proposal' or 'comment_letter'"},
            }
        template, ctx = pydantic_template(error, loaded.data, loc, schema, lang)
        text = message(error["type"], template, ctx, lang) + _value_hint(error["type"], ctx, lang)
        key = (line, col, text)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(loaded.display, line, col, format_path(loc), text,
                                template=template, ctx=ctx))
    return problems
