"""What the reviews API's modules share: the limits of what a request may send, a quarter and a
review looked up as the caller may see them, and reading a keyset position."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound

from hrperf.api.exceptions import ApiError
from hrperf.api.pagination import Position
from hrperf.api.schema import error_responses
from hrperf.lib.periods import clean_period, is_period
from hrperf.lib.roles import Roles
from reviews import selectors
from reviews.models import (
    ReviewCycle,
)

MAX_REVISION = 2**31 - 1


MAX_ID = 2**63 - 1


MAX_TEXT = 2000


BULK_MAX = 1000


PERIOD_PARAMETER = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The quarter, such as 2026Q3.",
)


def cycle_or_404(roles: Roles, period: str) -> ReviewCycle:
    """The quarter, for anyone with a role in the division; 404 otherwise: `quarter_not_found`,
    naming the period, for a well-formed quarter never opened (an opened quarter with nothing
    in it is an empty list, never a 404). The period may be typed with spaces or a lower-case q."""
    period = clean_period(period)
    if not roles.sees_catalogue or not is_period(period):
        raise NotFound
    cycle = selectors.cycle_get(period=period)
    if cycle is None:
        raise ApiError(
            status_code=404,
            code="quarter_not_found",
            message=gettext("No quarter %(period)s has been opened.") % {"period": period},
        )
    return cycle


def position_id(position: Position | None) -> int | None:
    """The id a keyset position (of one integer key) holds."""
    if position is None:
        return None
    (value,) = position
    assert isinstance(value, int)
    return value


WRITE_ERRORS = error_responses(400, 403, 404, 409)
