"""Reading a number as people, forms, the API and files send it: the one strict reader of every
figure, weight, policy setting and numeric import cell.

Text is accepted when it is, exactly:

* optional spaces around it;
* a leading "-" only where the value may be negative (no value of the product may be today);
* the ASCII digits 0-9, and at most one "." with digits on both sides ("92.5"; not "92." nor
  ".5"), with at most the decimal places the value allows (none for a whole number).

Anything else is refused, with the text as given in the message: a "," ("92,5" is neither 925
nor 92.5: no thousands separators, no decimal comma), "_", an exponent ("1e5"), "+", digits of
other scripts ("９２", "٩٢"), "NaN", "Infinity", spaces inside. A number cell of a spreadsheet
(int, float or Decimal) is taken exactly — a float by its shortest repr, which is what was typed
— and checked against the same limits; a yes/no cell is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Fullmatch only: `$` would also match before a final newline.
MAX_DECIMAL_PLACES = 4  # of a figure, and of any decimal the API takes as text
NUMBER_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
SHOWN_CHARACTERS = 40  # of a refused value, in its message

NOT_A_NUMBER = _('"%(value)s" is not a number: use digits with a "." for decimals, such as 92.5.')
NOT_A_WHOLE_NUMBER = _('"%(value)s" is not a whole number: use the digits 0-9, such as 30.')
YES_NO = _("A yes/no value is not a number.")
AS_TEXT = _('Give the number as text, such as "92.5".')
NEGATIVE = _("%(value)s is negative: it must be at least 0.")
TOO_PRECISE = _("%(value)s has more than %(max)s decimal places.")
NOT_WHOLE = _("%(value)s is not a whole number.")
TOO_LARGE = _("%(value)s is too large: it must be below %(limit)s.")


@dataclass(frozen=True)
class NumberRule:
    """What a number may be: its decimal places (0: a whole number), the magnitude it must stay
    below (None: no limit) and whether it may be negative."""

    places: int
    below: Decimal | None = None
    negative: bool = False


class NumberRefused(ValueError):
    """A value that is not a number the rule accepts: `message` says why, `code` for machines."""

    def __init__(self, message: str | Promise, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def shown(value: Any) -> str:
    """A value as a message quotes it: as given, shortened."""
    text = str(value).strip()
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def written(value: Decimal) -> str:
    """A decimal as people write it: no exponent (1E+5 is 100000)."""
    return f"{value:f}"


def read_number(raw: Any, rule: NumberRule) -> Decimal:
    """The exact number `raw` holds (text, or a number cell), or NumberRefused. A blank value
    is the caller's to handle before (it is refused here as not a number)."""
    if isinstance(raw, bool):
        raise NumberRefused(YES_NO)
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))  # the shortest text that reads back as the same float
    elif isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw).strip() if isinstance(raw, str) else None
        if text is None or not NUMBER_TEXT.fullmatch(text):
            message = NOT_A_WHOLE_NUMBER if rule.places == 0 else NOT_A_NUMBER
            raise NumberRefused(message % {"value": shown(raw)})
        value = Decimal(text)
    return checked(value, rule)


def checked(value: Decimal, rule: NumberRule) -> Decimal:
    """`value` when the rule allows it, else NumberRefused."""
    if not value.is_finite():
        message = NOT_A_WHOLE_NUMBER if rule.places == 0 else NOT_A_NUMBER
        raise NumberRefused(message % {"value": shown(value)})
    text = written(value)
    if value.is_signed() and not rule.negative:  # "-0" too: no sign where none is allowed
        raise NumberRefused(NEGATIVE % {"value": text}, "negative")
    if _places(value) > rule.places:
        if rule.places == 0:
            raise NumberRefused(NOT_WHOLE % {"value": text}, "not_whole")
        raise NumberRefused(TOO_PRECISE % {"value": text, "max": rule.places}, "too_precise")
    if rule.below is not None and abs(value) >= rule.below:
        limit = written(rule.below)
        raise NumberRefused(TOO_LARGE % {"value": text, "limit": limit}, "too_large")
    return value


def _places(value: Decimal) -> int:
    """The decimal places `value` needs (trailing zeros need none: 12.50 has 1)."""
    digits, exponent = value.as_tuple().digits, value.as_tuple().exponent
    assert isinstance(exponent, int)
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing_zeros)) if any(digits) else 0
