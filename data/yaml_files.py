"""Reading the project's own YAML files strictly: plain YAML keeps the last of two duplicate keys
without a word, which would hide a copy-paste mistake in a knowledge or resources entry."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

#: Entry ids in every shipped file: lower-case words joined by hyphens ("two-week-rule").
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


#: libyaml's parser where PyYAML was built with it (a tenth of the pure-Python parser's time, which
#: every fresh process pays for the vocabulary), else the pure-Python one; both build safe types.
if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_SafeLoader):
    """A safe loader that refuses duplicate mapping keys."""


def _construct_unique_mapping(loader: StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def load_strict(text: str) -> Any:
    """Parse YAML text, refusing duplicate keys.

    Raises:
        yaml.YAMLError: the text is not valid YAML or repeats a key.
    """
    return yaml.load(text, Loader=StrictLoader)
