"""How pydantic's validation errors read in a problem report: the field path and the message."""

from __future__ import annotations

from typing import Any, Iterable


def message(error: Any) -> str:
    if error["type"] == "value_error.missing":
        return "required field is missing"
    if error["type"] == "value_error.extra":
        return "unknown field (typo?)"
    return str(error["msg"])


def field_path(raw: Any, loc: Iterable[Any]) -> str:
    """Render a pydantic location with the code of list items: services[3](paspor).fees[0]."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if key == "__root__":
            continue
        if isinstance(key, int):
            label = f"[{key}]"
            item = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(item, dict) and "code" in item:
                label += f"({item['code']})"
            parts.append(label)
            node = item
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "-"
