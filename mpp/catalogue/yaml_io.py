"""A strict YAML reader for catalogue files.

PyYAML's defaults would read ``13:00`` as the integer 780 (YAML 1.1 base-60) and
let a repeated key silently overwrite the first one; both would corrupt a
catalogue without a word, so this loader refuses duplicates and keeps times as text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


class CatalogueYamlLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKeyError(
                    "while reading a mapping",
                    node.start_mark,
                    f"key '{key}' appears twice",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# Re-register the int resolver without the base-60 form (e.g. 13:00).
CatalogueYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CatalogueYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+)$""",
        re.X,
    ),
    list("-+0123456789"),
)


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=CatalogueYamlLoader)  # noqa: S506 - SafeLoader subclass
