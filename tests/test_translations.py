"""Every interface string has a Chinese translation, and the compiled catalogue is current."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
COPY_IGNORE = shutil.ignore_patterns(
    ".venv",
    ".git",
    "staticfiles",
    "test-artifacts",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".schemathesis",
    "__pycache__",
    "db.sqlite3",
)


def test_the_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (
            entry.msgstr,
            entry.msgstr_plural,
        ), f"django.mo is stale for {entry.msgid!r}: run `make messages`"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (gettext) is not installed: cannot extract the strings")
    tree = tmp_path / "tree"
    shutil.copytree(settings.BASE_DIR, tree, ignore=COPY_IGNORE)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "zh_Hans",
            "--no-location",
            "--ignore",
            "tests",
            "--ignore",
            "bench",
        ],
        cwd=tree,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in extracted.untranslated_entries() if not e.obsolete]
    assert missing == [], "untranslated strings, run `make messages` and translate them"


def test_an_interface_string_shows_in_chinese_and_in_english() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("Log in") == "登录"
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"
