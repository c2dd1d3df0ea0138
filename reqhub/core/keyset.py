"""Keyset pagination: pages cost the same at row 50 and at row 1,000,000.

A page is read with `WHERE (key, id) < (last key, last id) ORDER BY key DESC, id DESC LIMIT n`
(or the ascending mirror), served by a composite index, never with OFFSET or COUNT.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .exceptions import DomainError


@dataclass
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None


def _encode(value: Any, pk: int, direction: str) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    raw = json.dumps([direction, value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _invalid() -> DomainError:
    return DomainError(_("This page link is invalid; start from the first page."), field="cursor")


def _decode(cursor: str) -> tuple[str, Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, value, pk = json.loads(raw)
        if direction not in ("n", "p") or not isinstance(pk, int):
            raise ValueError
        return direction, value, pk
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _invalid() from exc


def _model_field(qs: QuerySet[Any], path: str) -> Any:
    """The model field at ``path`` (``score`` or ``rank__score``), or None if there is none."""
    model, model_field = qs.model, None
    for part in path.split("__"):
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = model_field.related_model or model
    return model_field


def _typed(qs: QuerySet[Any], field: str, value: Any) -> Any:
    """The cursor's value as the field's Python type; a tampered cursor is a 400, never a 500."""
    model_field = _model_field(qs, field)
    if model_field is None or model_field.is_relation:
        return value
    try:
        typed = model_field.to_python(value)
    except (ValidationError, TypeError, ValueError) as exc:
        raise _invalid() from exc
    if typed is None:
        raise _invalid()
    return typed


def _value(row: Any, field: str) -> Any:
    if isinstance(row, dict):
        return row[field]
    for part in field.split("__"):
        row = getattr(row, part)
    return row


def keyset_page(
    qs: QuerySet[Any], *, field: str, descending: bool, cursor: str | None, size: int
) -> KeysetPage:
    """One page of ``qs`` ordered by ``field`` (never null) then id, in the given direction."""
    direction, value, pk = _decode(cursor) if cursor else ("n", None, None)
    if pk is not None:
        value = _typed(qs, field, value)
    backwards = direction == "p"
    # Walking backwards reads the mirror order, then flips the rows.
    desc = descending != backwards
    order = [f"-{field}", "-id"] if desc else [field, "id"]
    if pk is not None:
        op = "lt" if desc else "gt"
        qs = qs.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": pk}))
    rows = list(qs.order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return KeysetPage(rows, None, None)
    first, last = rows[0], rows[-1]
    has_next = more if not backwards else True
    has_previous = (pk is not None) if not backwards else more
    return KeysetPage(
        rows,
        _encode(_value(last, field), _value(last, "id"), "n") if has_next else None,
        _encode(_value(first, field), _value(first, "id"), "p") if has_previous else None,
    )


__all__ = ["KeysetPage", "keyset_page"]
