"""Reading the fields of a decoded JSON object with their types checked.

The records core rebuilds from JSON (a stored decision's request, a stored list entry, a
licence's conditions: each ``from_dict``) read their fields through these helpers. Each
takes the object (``Mapping[str, object]``: what ``json.loads`` gives), the key, and
``where``, the path of the object inside the document (``"parties[2]."``; empty at the
top), and returns the value narrowed to its type, unchanged: a valid document reads
exactly as it did when it was read unchecked.

A missing required field or a value of another type is an
:class:`~exportguard.errors.InvalidInput` whose one field error names the field by its
path (``parties[2].role: must be a string, not a number``). An optional field that is
absent or ``null`` reads as the record's default.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TypeGuard, TypeVar

from exportguard.errors import InvalidInput

#: A decoded JSON object.
JsonFields = Mapping[str, object]
_Choice = TypeVar("_Choice", bound=enum.StrEnum)

_JSON_KINDS: Mapping[type, str] = {
    str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "an array",
    tuple: "an array", dict: "an object", type(None): "null",
}  # fmt: skip


def _kind(value: object) -> str:
    """What ``value`` is, in JSON's words (``a number``, ``an array`` ...)."""
    return _JSON_KINDS.get(type(value), type(value).__name__)


def _wrong(where: str, key: str, want: str, value: object) -> InvalidInput:
    return InvalidInput(f"must be {want}, not {_kind(value)}", field=f"{where}{key}")


def json_object(value: object, field: str) -> JsonFields:
    """``value`` as a JSON object; ``InvalidInput`` naming ``field`` if it is none.

    Its keys are not checked one by one: the helpers here read it by string keys only, so
    a key of another type can never be read."""
    if isinstance(value, Mapping):
        return value
    raise InvalidInput(f"must be an object, not {_kind(value)}", field=field)


def required(data: JsonFields, key: str, where: str = "") -> object:
    """The value of ``key``, of any type; ``InvalidInput`` (``required``) when absent or
    null."""
    value = data.get(key)
    if value is None:
        raise InvalidInput("required", field=f"{where}{key}")
    return value


def text(data: JsonFields, key: str, where: str = "") -> str:
    """The string ``key`` holds (required)."""
    value = required(data, key, where)
    if isinstance(value, str):
        return value
    raise _wrong(where, key, "a string", value)


def opt_text(data: JsonFields, key: str, where: str = "") -> str | None:
    """The string ``key`` holds, or None when it is absent or null."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _wrong(where, key, "a string or null", value)


def flag(data: JsonFields, key: str, where: str = "") -> bool:
    """The boolean ``key`` holds; False when it is absent or null."""
    value = data.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise _wrong(where, key, "a boolean", value)


def opt_number(data: JsonFields, key: str, where: str = "") -> float | None:
    """The number ``key`` holds, as given (an integer stays one), or None when absent or
    null; a boolean is not a number here."""
    value = data.get(key)
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise _wrong(where, key, "a number or null", value)


def opt_int(data: JsonFields, key: str, where: str = "") -> int | None:
    """The integer ``key`` holds, or None when absent or null."""
    value = data.get(key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _wrong(where, key, "a whole number or null", value)


def items(data: JsonFields, key: str, where: str = "", *, needed: bool = False) -> Sequence[object]:
    """The elements of the array ``key`` holds; empty when it is absent or null, unless
    ``needed`` (then ``required``)."""
    value = required(data, key, where) if needed else data.get(key)
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return value
    raise _wrong(where, key, "an array", value)


def texts(data: JsonFields, key: str, where: str = "", *, needed: bool = False) -> tuple[str, ...]:
    """The strings of the array ``key`` holds, as a tuple (see :func:`items`); an element
    of another type is named by its index (``items[2]``)."""
    value = data.get(key)
    if value is None and not needed:  # most optional arrays are absent
        return ()
    if isinstance(value, list | tuple) and _strings(value):
        return tuple(value)
    values = items(data, key, where, needed=needed)
    i = next(i for i, v in enumerate(values) if not isinstance(v, str))
    raise _wrong(where, f"{key}[{i}]", "a string", values[i])


def _strings(values: Sequence[object]) -> TypeGuard[Sequence[str]]:
    return all(isinstance(value, str) for value in values)


def objects(data: JsonFields, key: str, where: str = "") -> list[tuple[str, JsonFields]]:
    """The objects of the array ``key`` holds, each with its own ``where``
    (``"aliases[0]."``); empty when it is absent or null."""
    out: list[tuple[str, JsonFields]] = []
    for i, value in enumerate(items(data, key, where)):
        at = f"{where}{key}[{i}]"
        out.append((f"{at}.", json_object(value, at)))
    return out


def choice(data: JsonFields, key: str, kind: type[_Choice], where: str = "") -> _Choice:
    """The member of the string enum ``kind`` whose value ``key`` holds (required)."""
    value = text(data, key, where)
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        message = f"must be one of {allowed}, not {value!r}"
        raise InvalidInput(message, field=f"{where}{key}") from None


def day(data: JsonFields, key: str, where: str = "") -> date:
    """The ISO date ``key`` holds (required; see :func:`opt_date`)."""
    found = opt_date(data, key, where)
    if found is None:
        raise InvalidInput("required", field=f"{where}{key}")
    return found


def opt_date(data: JsonFields, key: str, where: str = "") -> date | None:
    """The ISO date (``YYYY-MM-DD``) ``key`` holds, or None when absent, null or empty; a
    ``date`` is taken as it is."""
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            message = f"not a date (YYYY-MM-DD): {value!r}"
            raise InvalidInput(message, field=f"{where}{key}") from None
    raise _wrong(where, key, "a date (YYYY-MM-DD)", value)
