"""The clients app's domain modules never import the web layer (style.md, habit 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_layering import DOMAIN_MODULES, ROOT, package_of, web_layer_imports

DOMAIN = sorted(
    path
    for path in (ROOT / "clients").glob("*.py")
    if path.stem in DOMAIN_MODULES | {"webhooks", "tokens"}
)


def test_the_domain_modules_are_found() -> None:
    assert {path.name for path in DOMAIN} >= {"models.py", "services.py", "selectors.py"}


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: p.name)
def test_the_clients_domain_never_imports_the_web_layer(path: Path) -> None:
    found = web_layer_imports(path.read_text(encoding="utf-8"), package_of(path))
    assert found == [], f"{path.relative_to(ROOT)} imports the web layer: {found}"
