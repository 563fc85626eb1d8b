"""Turn pydantic's validation errors into located problems a clinic manager can act on."""

from __future__ import annotations

import difflib
import types
import typing
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError, Problem
from .source import KeyPath, SourceFile, describe_value

Model = TypeVar("Model", bound=BaseModel)


def validate(model: type[Model], source: SourceFile, context: dict[str, Any] | None = None,
             ) -> Model:
    """Validate ``source.data`` against ``model``; raise every problem at once."""
    try:
        return model.model_validate(source.data if source.data is not None else {},
                                    context=context)
    except ValidationError as error:
        raise InputError(problems_from(error, model, source)) from None


def problems_from(error: ValidationError, model: type[BaseModel], source: SourceFile,
                  ) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located in ``source``."""
    problems = []
    for item in error.errors(include_url=False):
        path = _yaml_path(item["loc"], source)
        problems.append(source.problem(path, _describe(item, model, path),
                                       value=_given(item, source, path),
                                       allowed=_allowed(item, model, path)))
    return problems


def _given(item: Any, source: SourceFile, path: KeyPath) -> str:
    """The value written at ``path`` as text: a key's name when the key itself is wrong,
    ``""`` when the key is missing."""
    if item["type"] == "missing":
        return ""
    if item["type"] == "extra_forbidden":
        return str(path[-1]) if path else ""
    return describe_value(item.get("input"))


def _allowed(item: Any, model: type[BaseModel], path: KeyPath) -> tuple[str, ...]:
    """What would be accepted, where pydantic or the model can list it."""
    if item["type"] == "extra_forbidden":
        return tuple(sorted(_fields_at(model, path[:-1])))
    expected = (item.get("ctx") or {}).get("expected")
    if item["type"] == "literal_error" and isinstance(expected, str):
        return tuple(part.strip(" '") for part in expected.replace(" or ", ", ").split(","))
    return ()


def _yaml_path(loc: tuple[str | int, ...], source: SourceFile) -> KeyPath:
    """The key path as written in YAML: pydantic's names for union members left out.

    A part is kept when the YAML has it; the last part is kept too (a missing
    key), unless it names a model class (a union member, in CamelCase).
    """
    path: KeyPath = ()
    for index, part in enumerate(loc):
        if part == "[key]":
            continue
        last = index == len(loc) - 1
        if (*path, part) in source.positions or (
                last and not (isinstance(part, str) and part[:1].isupper())):
            path = (*path, part)
    return path


PATTERNS = {
    r"^[a-z][a-z0-9_]*$": "use lower-case letters, digits and _ only, starting with a letter, "
                          "such as 'injection'",
    r"^[A-Z]{3}$": "write a currency code of three capital letters, such as GBP, USD or EUR",
    r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$": "write a document number of 2 to 40 letters, digits, "
                                          "'.', '_' or '-', starting with a letter or digit, "
                                          "such as HHC-CF-001",
    r"^[0-9A-Za-z][0-9A-Za-z.-]{0,15}$": "write a version of up to 16 letters, digits, '.' or "
                                         "'-', starting with a letter or digit, such as 1.2",
    r"^[+0-9()./ -]{5,}$": "write a phone number of at least 5 digits, with only + ( ) . / - "
                           "and spaces besides, such as +44 20 7946 0000",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "write an email address such as info@clinic.example, "
                                   "without spaces",
    r"^[a-z]{2}_[A-Z]{2}$": "write a locale: a language and a country code joined by _, such "
                            "as en_GB or en_US",
    r"^[a-z]{2}(-[A-Z]{2})?$": "write a language code such as en, or en-GB",
}
"""Each pattern of the models in words: no regular expression reaches the user."""

_LIBRARY_PHRASES = (("Input should be", "this should be"), ("String should", "the text should"),
                    ("Value error, ", ""), ("Assertion failed, ", ""))

_NUMBER = ("float_type", "float_parsing", "finite_number", "decimal_type", "decimal_parsing",
           "decimal_max_digits", "decimal_max_places", "decimal_whole_digits", "int_parsing_size")
_LIST = ("list_type", "tuple_type", "set_type", "frozen_set_type", "iterable_type", "deque_type")
_BLOCK = ("dict_type", "model_type", "model_attributes_type", "dataclass_type", "mapping_type",
          "dataclass_exact_type", "named_tuple_type")
_URL = ("url_type", "url_parsing", "url_syntax_violation", "url_too_long", "url_scheme")
_DATE = ("date_type", "date_parsing", "date_from_datetime_parsing", "datetime_type",
         "datetime_parsing", "datetime_from_date_parsing", "date_from_datetime_inexact")


def _describe(item: Any, model: type[BaseModel], path: KeyPath) -> str:
    """pydantic's error in plain words: what is wrong with the value given, and what to write.

    Every error type the models can raise has its own wording; any other keeps pydantic's
    message with its library phrases replaced (``tests/test_broken_text.py`` provokes each)."""
    kind = item["type"]
    ctx = item.get("ctx") or {}
    given = item.get("input")
    shown = _show(given)
    if kind == "extra_forbidden":
        return _unknown_key(model, path)
    if kind == "missing":
        key = path[-1] if path else ""
        return f"this required key is missing: add '{key}:' with its value"
    if kind == "string_type":
        if isinstance(given, int | float) and path and str(path[-1]).endswith("size"):
            return f"{shown} needs its unit: write a size such as '{shown}pt' (pt, px or mm)"
        if isinstance(given, int | float) and not isinstance(given, bool):
            return (f"{shown} was read as a number, but this is text: put it in quotes, such as "
                    f"'{shown}'")
        if isinstance(given, bool):
            return f"{shown} was read as yes or no, but this is text: put it in quotes"
        if isinstance(given, date):
            return f"{shown} was read as a date, but this is text: put it in quotes"
        return f"this should be text, not {_nothing(shown)}"
    if kind == "string_pattern_mismatch":
        rule = PATTERNS.get(str(ctx.get("pattern")), "it is not in the form this key needs")
        return f"{shown} is not allowed here: {rule}"
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "this must not be empty: write the text after the colon"
        return f"{shown} is too short: write at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"{shown} is too long: write at most {ctx.get('max_length')} characters"
    if kind in ("int_type", "int_parsing"):
        return f"{shown} is not a whole number: write a number such as 3, without words or units"
    if kind == "int_from_float":
        return f"{shown} is not a whole number: leave out the decimals, such as 3"
    if kind in _NUMBER:
        return (f"{shown} is not a number: write a number such as 180 or 7.5, without units or "
                "currency signs")
    if kind in ("bool_type", "bool_parsing"):
        return f"{shown} is not yes or no: write true or false"
    if kind in _DATE:
        return f"{shown} is not a date: write the date as year-month-day, such as 2027-01-31"
    if kind in _URL:
        return (f"{shown} is not a web address: write it in full, starting with https://, such "
                "as https://www.example.com")
    if kind in ("literal_error", "enum"):
        return f"{shown} is not one of the choices: {ctx.get('expected', '')}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"{shown} is not one of the kinds allowed here: {ctx.get('expected_tags', '')}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        limit = ctx.get("gt", ctx.get("ge", ctx.get("lt", ctx.get("le"))))
        size = "small" if kind.startswith("greater") else "large"
        bound = {"greater_than": "more than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}[kind]
        return f"{shown} is too {size}: write a number {bound} {limit}"
    if kind in ("too_short", "too_long"):
        count = len(given) if isinstance(given, list | dict | tuple) else 0
        things = "keys" if isinstance(given, dict) else "items"
        if kind == "too_short":
            if ctx.get("min_length") == 1:
                return f"this must not be empty: give at least one of its {things}"
            return f"{count} {things} given: give at least {ctx.get('min_length')}"
        return f"{count} {things} given: give at most {ctx.get('max_length')}"
    if kind in _LIST:
        return f"this should be a list (lines starting with '- '), not {_nothing(shown)}"
    if kind in _BLOCK:
        return ("this should be a block of keys (indented lines 'key: value' below it), not "
                f"{_nothing(shown)}")
    message = str(item["msg"])
    for phrase, plain in _LIBRARY_PHRASES:
        message = message.replace(phrase, plain)
    message = _lower_first(message) if kind not in ("value_error", "assertion_error") else message
    if isinstance(given, str | int | float | date) and shown not in message:
        message = f"{message} (given: {shown})"
    return message


def _nothing(shown: str) -> str:
    return shown if shown else "nothing"


def _unknown_key(model: type[BaseModel], path: KeyPath) -> str:
    key = str(path[-1])
    allowed = _fields_at(model, path[:-1])
    suggestion = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    message = f"unknown key '{key}'"
    if suggestion:
        return f"{message}; did you mean '{suggestion[0]}'?"
    if allowed:
        return f"{message}; expected one of: {', '.join(sorted(allowed))}"
    return message


def _fields_at(model: type[BaseModel], path: KeyPath) -> list[str]:
    """The keys the model accepts at ``path`` (empty when it cannot tell)."""
    annotation: Any = model
    for part in path:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [field.alias or name for name, field in annotation.model_fields.items()]
    return []


def _step(annotation: Any, part: str | int) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` down to the model or container inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _show(value: Any) -> str:
    """The value given, as a message quotes it: text in quotes, a number or date as written,
    a list or a block of keys by what it holds, invisible characters by their code."""
    text = describe_value(value)
    if isinstance(value, str):
        return f"'{text}'"
    return text
