"""Reading the catalogue file: UTF-8 text (a byte order mark is allowed) holding YAML.

The YAML is read safely, with two changes: a key given twice in one mapping is refused, and
numbers with a fraction (YAML 1.1 floats, including base-60 ones such as 1:30.5) are read as
exact `Decimal`s from their text, so that 0.1 stays 0.1. A file that cannot be read, is not
UTF-8 or is not YAML raises a `CatalogueError` naming the line and column where it can; the
parsed document is then checked whole by `catalogue_check`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from departments.catalogue.check import catalogue_check
from departments.catalogue.specs import Catalogue, CatalogueError


class _Loader(yaml.SafeLoader):
    """A safe loader that reads numbers with a fraction as exact Decimals and refuses a key
    given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        _("duplicate key %(key)s") % {"key": key_node.value},
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    assert isinstance(node, yaml.ScalarNode)
    text = str(loader.construct_scalar(node)).replace("_", "").lower()
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    if text == ".inf":
        return sign * Decimal("Infinity")
    if text == ".nan":
        return Decimal("NaN")
    value = Decimal(0)
    try:
        for part in text.split(":"):  # YAML 1.1 also writes base-60 numbers, such as 1:30.5
            value = value * 60 + Decimal(part)
    except InvalidOperation:  # such as "._", which YAML 1.1 reads as a float
        return Decimal("NaN")  # refused by the checks like any value that is not a number
    return sign * value


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _parse(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or str(error)
        if mark is None:
            raise CatalogueError(
                [_("YAML syntax error: %(problem)s") % {"problem": problem}]
            ) from None
        raise CatalogueError(
            [
                _("line %(line)s, column %(column)s: YAML syntax error: %(problem)s")
                % {"line": mark.line + 1, "column": mark.column + 1, "problem": problem}
            ]
        ) from None
    except yaml.YAMLError as error:
        raise CatalogueError([_("YAML syntax error: %(problem)s") % {"problem": error}]) from None


def catalogue_read(*, path: Path) -> Catalogue:
    """The checked catalogue of the YAML file at `path`; raises CatalogueError."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise CatalogueError(
            [
                _("%(path)s: cannot read the file (%(reason)s)")
                % {"path": path, "reason": error.strerror or error}
            ]
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogueError(
            [
                _("%(path)s: the file is not UTF-8 text (byte %(position)s)")
                % {"path": path, "position": error.start}
            ]
        ) from None
    return catalogue_check(_parse(text))
