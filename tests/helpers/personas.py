"""The personas every permission test uses (made by the `personas` fixture,
tests/fixtures/personas.py) share one password, for the tests that log in through a form."""

from __future__ import annotations

PASSWORD = "correct horse battery staple"
