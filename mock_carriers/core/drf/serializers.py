"""Request validation as Django REST Framework serializers do it, with DRF's own messages.

A carrier declares fields as data (`Nested({"sku": Char(), "quantity": Integer(min_value=1)})`);
`validate` answers the cleaned data or raises Invalid whose `fields` is DRF's error structure:
field -> [messages], a nested serializer's errors as a dict, a `many=True` list's as a list with
`{}` for the items that passed. `partial=True` is PATCH: absent fields are not required.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from mock_carriers.core.contracts.fields import nested_fields
from mock_carriers.core.contracts.violations import Violation
from mock_carriers.core.durations import EARLIEST, LATEST
from mock_carriers.core.errors import Invalid

REQUIRED = "This field is required."
NULL = "This field may not be null."
BLANK = "This field may not be blank."
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")
_INTEGER_TEXT = re.compile(r"\s*[-+]?[0-9]+(\.0*)?\s*\Z")  # DRF drops a zero fraction; no exponents
_DATETIME_FORMAT = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"


class Skip(Exception):
    """The field was not sent and need not be (it stays out of the cleaned data)."""


@dataclass(frozen=True)
class Field:
    required: bool = field(default=True, kw_only=True)
    allow_null: bool = field(default=False, kw_only=True)
    default: Any = field(default=None, kw_only=True)

    def run(self, present: bool, value: Any, partial: bool) -> Any:
        """The cleaned value, or ValueError carrying DRF's error for this field."""
        if not present:
            if self.required and not partial:
                raise FieldError([REQUIRED])
            if partial or self.default is None:
                raise Skip()
            return self.default
        if value is None:
            if self.allow_null:
                return None
            raise FieldError([NULL])
        return self.clean(value, partial)

    def clean(self, value: Any, partial: bool) -> Any:
        raise NotImplementedError


class FieldError(ValueError):
    def __init__(self, detail: Any) -> None:
        super().__init__(str(detail))
        self.detail = detail


@dataclass(frozen=True)
class Char(Field):
    allow_blank: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()

    def clean(self, value: Any, partial: bool) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            raise FieldError(["Not a valid string."])
        text = str(value).strip()
        if not text:
            if self.allow_blank:
                return ""
            raise FieldError([BLANK])
        if self.max_length is not None and len(text) > self.max_length:
            raise FieldError([f"Ensure this field has no more than {self.max_length} characters."])
        if self.choices and text not in self.choices:
            raise FieldError([f'"{text[:100]}" is not a valid choice.'])
        return text


@dataclass(frozen=True)
class Email(Char):
    def clean(self, value: Any, partial: bool) -> Any:
        text = super().clean(value, partial)
        if text and not _EMAIL.match(text):
            raise FieldError(["Enter a valid email address."])
        return text


@dataclass(frozen=True)
class Uuid(Field):
    def clean(self, value: Any, partial: bool) -> Any:
        try:
            if isinstance(value, str):
                return str(uuid.UUID(value.strip()))
        except ValueError:
            pass
        raise FieldError(["Must be a valid UUID."])


@dataclass(frozen=True)
class Integer(Field):
    min_value: int | None = None
    max_value: int | None = 2_147_483_647

    def clean(self, value: Any, partial: bool) -> Any:
        """Whole numbers, also as text or as 2.0 (DRF drops a zero fraction)."""
        try:
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float, str))
                or isinstance(value, str)
                and not _INTEGER_TEXT.match(value)
            ):
                raise InvalidOperation
            exact = Decimal(str(value).strip())
            # the exponent first: arithmetic on "1e999999999" overflows the decimal context
            if not exact.is_finite() or exact.adjusted() > 18 or exact != exact.to_integral_value():
                raise InvalidOperation
        except InvalidOperation:
            raise FieldError(["A valid integer is required."]) from None
        number = int(exact)
        if self.min_value is not None and number < self.min_value:
            raise FieldError([f"Ensure this value is greater than or equal to {self.min_value}."])
        if self.max_value is not None and number > self.max_value:
            raise FieldError([f"Ensure this value is less than or equal to {self.max_value}."])
        return number


@dataclass(frozen=True)
class DecimalNumber(Field):
    """A decimal, sent as a number or as text ("5.000"); cleaned to a Decimal of `places` places."""

    max_digits: int = 12
    places: int = 2
    min_value: Decimal | None = None

    def clean(self, value: Any, partial: bool) -> Any:
        if (
            isinstance(value, bool)
            or not isinstance(value, (str, int, float))
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            raise FieldError(["A valid number is required."])
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise FieldError(["A valid number is required."]) from None
        if not number.is_finite():
            raise FieldError(["A valid number is required."])
        too_many = f"Ensure that there are no more than {self.max_digits} digits in total."
        if number.adjusted() >= self.max_digits:  # before any arithmetic, which "1e999999999" would overflow
            raise FieldError([too_many])
        quantized = number.quantize(Decimal(1).scaleb(-self.places))
        if len(quantized.as_tuple().digits) > self.max_digits:
            raise FieldError([too_many])
        if self.min_value is not None and number < self.min_value:
            raise FieldError([f"Ensure this value is greater than or equal to {self.min_value}."])
        return quantized


_TRUE = frozenset({"t", "y", "yes", "true", "on", "1"})
_FALSE = frozenset({"f", "n", "no", "false", "off", "0"})


@dataclass(frozen=True)
class Boolean(Field):
    """DRF's BooleanField: true, yes, on, y, t, 1 and false, no, off, n, f, 0 in any case, or the
    numbers 1 and 0; "null" and "" are null where null is allowed."""

    def clean(self, value: Any, partial: bool) -> Any:
        if isinstance(value, str):
            word = value.lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            if value in ("null", "") and self.allow_null:
                return None
        elif isinstance(value, (bool, int, float)) and value in (0, 1):
            return value == 1
        raise FieldError(["Must be a valid boolean."])


@dataclass(frozen=True)
class DateTime(Field):
    def clean(self, value: Any, partial: bool) -> Any:
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None:
            raise FieldError([f"Datetime has wrong format. Use one of these formats instead: {_DATETIME_FORMAT}."])
        return moment


@dataclass(frozen=True)
class Date(Field):
    def clean(self, value: Any, partial: bool) -> Any:
        try:
            day = date.fromisoformat(value.strip()) if isinstance(value, str) and len(value.strip()) == 10 else None
        except ValueError:
            day = None
        if day is None or not 1970 <= day.year < 9000:
            raise FieldError(["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."])
        return day


@dataclass(frozen=True)
class Nested(Field):
    fields: Mapping[str, Field] = field(default_factory=dict)
    # object-level checks: raise FieldError for non_field_errors
    checks: tuple[Callable[[dict[str, Any]], None], ...] = ()

    def clean(self, value: Any, partial: bool) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise FieldError(
                {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {_type_name(value)}."]}
            )
        cleaned, errors = {}, {}
        for name, spec in self.fields.items():
            try:
                cleaned[name] = spec.run(name in value, value.get(name), partial)
            except Skip:
                continue
            except FieldError as error:
                errors[name] = error.detail
        if not errors:
            for check in self.checks:
                try:
                    check(cleaned)
                except FieldError as error:
                    errors.update(
                        error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
                    )
                    break
        if errors:
            raise FieldError(errors)
        return cleaned


@dataclass(frozen=True)
class Many(Field):
    child: Field = field(default_factory=Field)
    allow_empty: bool = True
    max_length: int = 1000

    def clean(self, value: Any, partial: bool) -> Any:
        if not isinstance(value, list):
            message = f'Expected a list of items but got type "{_type_name(value)}".'
            raise FieldError({"non_field_errors": [message]} if isinstance(self.child, Nested) else [message])
        if not value and not self.allow_empty:
            raise FieldError(
                {"non_field_errors": ["This list may not be empty."]}
                if isinstance(self.child, Nested)
                else ["This list may not be empty."]
            )
        if len(value) > self.max_length:
            raise FieldError([f"Ensure this field has no more than {self.max_length} elements."])
        errors: list[Any] = []  # each element's own, {} for one without
        cleaned, failed = [], False
        for element in value:
            try:
                cleaned.append(self.child.run(True, element, False))
                errors.append({})
            except FieldError as error:
                errors.append(error.detail)
                failed = True
        if failed:
            raise FieldError(errors)
        return cleaned


def _type_name(value: Any) -> str:
    return {
        dict: "dict",
        list: "list",
        str: "str",
        int: "int",
        float: "float",
        bool: "bool",
        type(None): "NoneType",
    }.get(type(value), type(value).__name__)


def parse_datetime(text: str) -> datetime | None:
    """ISO 8601 as DRF accepts it; a time without an offset is UTC (Django's USE_TZ with UTC)."""
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment if EARLIEST <= moment < LATEST else None


def validate(data: Any, serializer: Nested, partial: bool = False) -> dict[str, Any]:
    """The cleaned body, or Invalid with DRF's error structure."""
    try:
        return serializer.clean({} if data is None else data, partial)  # an empty body is an empty form
    except FieldError as error:
        raise Invalid(error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}) from None


_TYPE_WORDS = {
    "string": "Not a valid string.",
    "integer": "A valid integer is required.",
    "number": "A valid number is required.",
    "boolean": "Must be a valid boolean.",
}


def violation_message(violation: Violation) -> str:
    """What DRF says of a value a contract's schema refuses (a contracts.Violation); the schema's
    own words where DRF has none."""
    rule, value, limit = violation.rule, violation.value, violation.limit
    if rule == "required":
        return REQUIRED
    if rule == "type":
        expected = next((kind for kind in ([limit] if isinstance(limit, str) else limit or []) if kind != "null"), None)
        if value is None:
            return NULL
        if expected == "object":
            return f"Invalid data. Expected a dictionary, but got {_type_name(value)}."
        if expected == "array":
            return f'Expected a list of items but got type "{_type_name(value)}".'
        return _TYPE_WORDS.get(expected or "", violation.message)
    words = {
        "enum": f'"{value}" is not a valid choice.',
        "maxLength": f"Ensure this field has no more than {limit} characters.",
        "minLength": BLANK if limit == 1 else f"Ensure this field has at least {limit} characters.",
        "maximum": f"Ensure this value is less than or equal to {limit}.",
        "minimum": f"Ensure this value is greater than or equal to {limit}.",
        "maxItems": f"Ensure this field has no more than {limit} elements.",
        "minItems": "This list may not be empty." if limit == 1 else violation.message,
        "format": "Enter a valid email address." if limit == "email" else violation.message,
    }
    return words.get(rule, violation.message)


# How a DRF API names the fields of a request its contract refuses: nested, in DRF's words.
field_errors = nested_fields(violation_message)
