"""Every route of the URLconf, generated, with its URL filled with ids of other organisations' objects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    key: str  # the URL name with its namespace, or the pattern when the route has no (unique) name
    namespace: str
    pattern: str  # the full pattern, e.g. "hulpvragers/<int:pk>/"


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            yield prefix + str(p.pattern), namespace, p


def all_routes() -> list[Route]:
    """Every route, keyed by ``namespace:name`` (or by its pattern when it has no name or shares it)."""
    found = list(_walk(get_resolver().url_patterns))
    names = [f"{ns}:{p.name}" if ns else (p.name or "") for _r, ns, p in found]
    routes = []
    for (pattern, ns, p), name in zip(found, names, strict=True):
        unique = bool(p.name) and names.count(name) == 1
        routes.append(Route(key=name if unique else pattern, namespace=ns, pattern=pattern))
    return sorted(routes, key=lambda r: r.key)


def fill(route: Route, world: Any) -> str:
    """The route's URL with every argument set to an object of another organisation (see world.py)."""
    top = route.namespace.split(":")[0]

    def value(name: str) -> str:
        if name == "pk":
            if route.key in world.pk_by_route:
                return str(world.pk_by_route[route.key])
            return str(world.pk_by_namespace.get(top, world.args["object_id"]))
        if name == "token":
            return str(world.tokens.get(top, "token"))
        if name == "transition":
            return str(world.transitions[top])
        if name == "url":
            return "nothing-here/"
        if name == "object_id" and route.key.startswith("admin:"):  # admin:<app>_<model>_<view>
            return str(world.admin_pk.get(route.key.rsplit("_", 1)[0], world.args["object_id"]))
        if name == "id":
            return str(world.args["object_id"])
        if name == "content_type_id":
            return "1"
        return str(world.args[name])

    url = REGEX_GROUP.sub(lambda m: value(m.group("name")), route.pattern)
    url = CONVERTER.sub(lambda m: value(m.group("name")), url)
    return "/" + url.replace("^", "").replace("$", "")
