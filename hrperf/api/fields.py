"""Serializer fields the API's bodies share. JSON request bodies are typed as the schema says:
a number is not taken for text, nor text for a number or a yes/no, so that every client can
rely on the schema. Catalogue texts are given in both languages, `{"zh": …, "en": …}`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hrperf.lib.decimals import (
    AS_TEXT,
    MAX_DECIMAL_PLACES,
    NumberRefused,
    NumberRule,
    read_number,
    written,
)


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class DecimalTextField(serializers.DecimalField):
    """A decimal given as text, such as "92.5" (never a JSON number: it could be a float, and
    1e5 is refused like the text "1e5"), read by the one strict reader of numbers
    (`hrperf.lib.decimals`): ASCII digits, at most one "." with digits on both sides, no
    sign, separator or exponent, at most the field's decimal places."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise serializers.ValidationError(str(AS_TEXT), code="invalid")
        places = self.decimal_places if self.decimal_places is not None else MAX_DECIMAL_PLACES
        below = None
        if self.max_digits is not None:
            below = Decimal(10) ** (self.max_digits - places)
        try:
            value = read_number(data, NumberRule(places=places, below=below))
        except NumberRefused as refused:
            raise serializers.ValidationError(str(refused.message), code=refused.code) from None
        # Trailing zeros need no places ("60.000" is 60): hand DRF the value at the field's places.
        return super().to_internal_value(written(value.quantize(Decimal(1).scaleb(-places))))


STRICT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.CharField: StrictCharField,
    models.TextField: StrictCharField,
    models.BooleanField: StrictBooleanField,
    models.IntegerField: StrictIntegerField,
    models.PositiveIntegerField: StrictIntegerField,
    models.PositiveSmallIntegerField: StrictIntegerField,
    models.SmallIntegerField: StrictIntegerField,
    models.DecimalField: DecimalTextField,
}


class BilingualTextSerializer(serializers.Serializer):
    """A catalogue text in both languages."""

    zh = serializers.CharField()
    en = serializers.CharField()


@extend_schema_field(BilingualTextSerializer)
class BilingualField(serializers.Field):
    """`<name>_zh` and `<name>_en` of the object as `{"zh": …, "en": …}`."""

    def __init__(self, name: str = "", *, of: str = "", **kwargs: Any) -> None:
        self.text_name = name
        self.of = of  # the attribute holding the object, when it is not the object itself
        super().__init__(source="*", read_only=True, **kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.text_name = self.text_name or field_name

    def to_representation(self, value: Any) -> dict[str, str]:
        if self.of:
            value = getattr(value, self.of)
        if isinstance(value, Mapping):
            return {language: value[f"{self.text_name}_{language}"] for language in ("zh", "en")}
        return {
            language: getattr(value, f"{self.text_name}_{language}") for language in ("zh", "en")
        }
