"""Finding the token of a raw token (clients.selectors.token_for_raw)."""

from __future__ import annotations

import pytest

from clients import selectors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "hrp",
        "hrp_",
        "hrp_abc_" + "x" * 40,
        "xyz_abcdefgh_" + "x" * 40,
        "hrp_ABCDEFGH_" + "x" * 40,
    ],
)
def test_a_malformed_token_is_refused_without_a_query(raw: str, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert selectors.token_for_raw(raw) is None
