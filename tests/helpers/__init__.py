"""Plain helpers the tests share (functions and data, no fixtures): import them by module.
Fixtures live in `tests/fixtures/` and are available to every test (see tests/conftest.py)."""
