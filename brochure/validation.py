"""Turn pydantic's validation errors into located problems a clinic manager can act on."""

from __future__ import annotations

import difflib
import types
import typing
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


def _describe(item: Any, model: type[BaseModel], path: KeyPath) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        return _unknown_key(model, path)
    if kind == "missing":
        return "this required key is missing"
    message = str(item["msg"]).removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing") or kind == "literal_error":
        message = f"{_lower_first(message)}, got {_show(item.get('input'))}"
    return message


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
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
