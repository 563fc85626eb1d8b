"""Which content is true for which treatment, and the content a clinic's documents print.

Every content item may be limited to some protocols, to treatments that use
some ingredients, or to clinics that numb the scalp (:class:`Scoped`). A
document is made from :func:`content_for` its clinic's treatment, a copy of the
content without the items that do not apply, so no template can print a fact
about another treatment. :func:`scope_problems` finds what cannot be right
whatever the clinic: an item no protocol can print, a protocol left without an
item a section needs, and an item that cites a study of another route for a
protocol (a pain figure from injections says nothing about microneedling).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from annotated_types import MinLen
from pydantic import BaseModel

from .errors import Problem
from .models.base import Scoped, Treatment
from .models.clinic import Clinic, ProtocolOverrides
from .models.content import Content, Ingredient, Protocol
from .source import KeyPath, SourceFile


def effective_protocol(protocol: Protocol, overrides: ProtocolOverrides) -> Protocol:
    """The shared protocol with a clinic's overrides applied."""
    phases = list(protocol.phases)
    for index, change in enumerate(overrides.phases):
        phases[index] = phases[index].model_copy(update=_given(change))
    update = _given(overrides, exclude={"phases"})  # the rest share their names
    return protocol.model_copy(update={**update, "phases": phases})


def _given(model: BaseModel, exclude: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """The fields a YAML file actually set on ``model``, as validated values."""
    return {name: getattr(model, name) for name in model.model_fields_set - exclude
            if getattr(model, name) is not None}


def treatment_of(content: Content, clinic: Clinic) -> tuple[Protocol, Treatment]:
    """The clinic's protocol, overrides applied, and the treatment it describes."""
    protocol = effective_protocol(content.protocols[clinic.protocol], clinic.overrides)
    return protocol, _treatment(clinic.protocol, protocol, numbing=clinic.numbing is not None)


def _treatment(protocol_id: str, protocol: Protocol, numbing: bool) -> Treatment:
    return Treatment(protocol=protocol_id, route=protocol.route,
                     ingredients=tuple(protocol.ingredients), numbing=numbing)


def content_for(content: Content, treatment: Treatment, protocol: Protocol,
                ) -> tuple[Content, list[KeyPath]]:
    """The content as ``treatment``'s documents print it, and the required lists it empties.

    Items that do not apply are left out, the protocols are the clinic's own only
    (``protocol``, overrides applied) and the ingredients those it uses.
    """
    emptied: list[KeyPath] = []
    view = _keep(content, treatment, (), emptied)
    view = view.model_copy(update={
        "protocols": {treatment.protocol: protocol},
        "ingredients": {name: content.ingredients[name] for name in treatment.ingredients}})
    return view, emptied


def _keep(value: Any, treatment: Treatment, path: KeyPath, emptied: list[KeyPath]) -> Any:
    """``value`` without the scoped items that do not apply to ``treatment``."""
    if isinstance(value, BaseModel):
        update = {}
        for name, field in type(value).model_fields.items():
            current = getattr(value, name)
            kept = _keep(current, treatment, (*path, name), emptied)
            if kept is not current:
                update[name] = kept
                if current and not kept and _required(field.metadata):
                    emptied.append((*path, name))
        return value.model_copy(update=update) if update else value
    if isinstance(value, list):
        kept = [_keep(item, treatment, (*path, index), emptied)
                for index, item in enumerate(value)
                if not isinstance(item, Scoped) or item.applies_to(treatment)]
        return value if all(a is b for a, b in zip(kept, value, strict=False)) \
            and len(kept) == len(value) else kept
    if isinstance(value, dict):
        kept_items = {key: _keep(item, treatment, (*path, key), emptied)
                      for key, item in value.items()}
        return value if all(kept_items[key] is value[key] for key in value) else kept_items
    return value


def _required(metadata: list[Any]) -> bool:
    return any(isinstance(item, MinLen) and item.min_length > 0 for item in metadata)


# --- what cannot be right whatever the clinic ----------------------------------------------


def usable(ingredient: Ingredient, protocol: Protocol) -> bool:
    """Whether ``protocol`` can use ``ingredient``: the ingredient says how it is given so."""
    return protocol.route in ingredient.routes


def scope_problems(content: Content, source: SourceFile) -> list[Problem]:
    """Items no protocol prints, protocols without a required item, routes cited amiss."""
    problems = []
    reach = _reach(content)
    for path, item, printed_for in _items(content, reach, content, (),
                                          set(content.protocols)):
        if isinstance(item, Scoped) and not printed_for:
            problems.append(source.problem(path, _nowhere(item), "scope.nowhere"))
        cited = getattr(item, "sources", None)
        for index, source_id in enumerate(cited if isinstance(cited, list) else ()):
            studied = content.sources.get(source_id)
            if studied is None or studied.route is None:
                continue
            other = sorted(protocol_id for protocol_id in printed_for
                           if content.protocols[protocol_id].route != studied.route)
            if other:
                problems.append(source.problem((*path, "sources", index), _wrong_route(
                    content, source_id, studied.route, other), "scope.route"))
    for protocol_id, protocol in content.protocols.items():
        unusable = [(index, name) for index, name in enumerate(protocol.ingredients)
                    if name in content.ingredients
                    and not usable(content.ingredients[name], protocol)]
        for index, name in unusable:
            problems.append(source.problem(("protocols", protocol_id, "ingredients", index),
                                           unusable_message(content, name, protocol)))
        if unusable:  # its documents cannot be made: what they would lack is moot
            continue
        treatment = _treatment(protocol_id, protocol, numbing=protocol.without_numbing is None)
        for path in content_for(content, treatment, protocol)[1]:
            problems.append(source.problem(path, missing_for(protocol_id), "scope.missing"))
    return problems


def unusable_message(content: Content, name: str, protocol: Protocol) -> str:
    """Why a protocol (or a clinic's override) cannot use an ingredient."""
    routes = ", ".join(content.ingredients[name].routes)
    return (f"'{name}' says nothing of being given by {protocol.route} (its routes: {routes}):"
            f" add ingredients.{name}.routes.{protocol.route} with its approval and evidence, "
            "or leave it out")


def missing_for(protocol_id: str) -> str:
    """The message for a required list that has no item for a protocol."""
    return (f"no item here applies to protocol '{protocol_id}', and its documents need one: "
            f"add an item with 'protocols: [{protocol_id}]', or with no 'protocols' (all)")


_Reach = dict[str, set[str]]
"""For each protocol, the ingredients a clinic giving it may use: its own, and any it could add."""


def _reach(content: Content) -> _Reach:
    return {protocol_id: {name for name, ingredient in content.ingredients.items()
                          if usable(ingredient, protocol)}
            for protocol_id, protocol in content.protocols.items()}


def _items(content: Content, reach: _Reach, value: Any, path: KeyPath, printed_for: set[str],
           ) -> Iterator[tuple[KeyPath, Any, set[str]]]:
    """Every model below ``value``, with the protocols that may print it."""
    if isinstance(value, BaseModel):
        if isinstance(value, Scoped):
            printed_for = {protocol_id for protocol_id in printed_for
                           if _may_apply(value, reach[protocol_id], protocol_id)}
        yield path, value, printed_for
        for name in type(value).model_fields:
            yield from _items(content, reach, getattr(value, name), (*path, name), printed_for)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _items(content, reach, item, (*path, index), printed_for)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _items(content, reach, item, (*path, key),
                              _narrowed(content, reach, path, key, printed_for))


def _narrowed(content: Content, reach: _Reach, path: KeyPath, key: str, printed_for: set[str],
              ) -> set[str]:
    """The protocols that may print what sits under ``key`` of the mapping at ``path``."""
    if path == ("protocols",):
        return printed_for & {key}
    if path == ("ingredients",):
        return {protocol_id for protocol_id in printed_for if key in reach[protocol_id]}
    if len(path) == 3 and path[0] == "ingredients" and path[2] == "routes":
        return {protocol_id for protocol_id in printed_for
                if content.protocols[protocol_id].route == key}
    return printed_for


def _may_apply(item: Scoped, possible: set[str], protocol_id: str) -> bool:
    if item.protocols and protocol_id not in item.protocols:
        return False
    return not item.ingredients or bool(set(item.ingredients) & possible)


def _nowhere(item: Scoped) -> str:
    limits = []
    if item.protocols:
        limits.append(f"protocols [{', '.join(item.protocols)}]")
    if item.ingredients:
        limits.append(f"ingredients [{', '.join(item.ingredients)}]")
    return (f"this item applies to no protocol ({' with '.join(limits) or 'its limits'}): no "
            "document would print it. Name a protocol that can give one of its ingredients, "
            "or remove the item")


def _wrong_route(content: Content, source_id: str, route: str, protocols: list[str]) -> str:
    names = ", ".join(
        f"'{protocol_id}' ({_route_name(content, content.protocols[protocol_id].route)})"
        for protocol_id in protocols)
    studied = _route_name(content, route)
    keep = sorted(protocol_id for protocol_id, protocol in content.protocols.items()
                  if protocol.route == route)
    limit = f"limit the item with 'protocols: [{', '.join(keep)}]'" if keep else \
        "remove the citation"
    return (f"'{source_id}' studied {studied}, but this item is printed for protocol {names}: "
            f"{limit}, and give that protocol its own item that cites a study of its route or "
            "says that none has measured it")


def _route_name(content: Content, route: str) -> str:
    return str(content.routes.get(route, route))  # type: ignore[call-overload]
