"""Reading the catalogue file: UTF-8 text (a byte order mark is allowed) holding YAML.

The YAML is read safely, with two changes: a key given twice in one mapping is refused, and
numbers are read strictly, as everywhere in the product (`hrperf.lib.decimals`): ASCII digits
with at most one "." — a number with a fraction an exact `Decimal` from its text, so that 0.1
stays 0.1 — while what YAML 1.1 also reads as a number ("1_000", "0x1A", "1e3", "+5", base-60
"1:30.5", ".inf") stays text and is refused by the checks. A file that cannot be read, is not
UTF-8 or is not YAML raises a `CatalogueError` naming the line and column where it can; the
parsed document is then checked whole by `catalogue_check`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from departments.catalogue.check import catalogue_check
from departments.catalogue.specs import Catalogue, CatalogueError
from hrperf.lib.decimals import NUMBER_TEXT


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


def _construct_number(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal | int | str:
    """A number as the product reads every number (`hrperf.lib.decimals`): ASCII digits, an
    optional "-" and at most one "." with digits on both sides; one with a fraction an exact
    Decimal, a whole one an int. What YAML 1.1 also takes for a number ("1_000", "0x1A",
    "1e3", "+5", "1:30.5", ".inf", ".nan") stays text, which the checks refuse as not a
    number."""
    assert isinstance(node, yaml.ScalarNode)
    text = str(loader.construct_scalar(node))
    if not NUMBER_TEXT.fullmatch(text):
        return text
    return Decimal(text) if "." in text else int(text)


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_number)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_number)


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
