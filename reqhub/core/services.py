"""Small write helpers every app's services share."""

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_update(instance: M, *, data: dict[str, Any], allowed: set[str]) -> list[str]:
    """Apply ``data`` to ``instance`` (only ``allowed`` fields) and return the names that changed.

    The caller validates with ``full_clean()`` before saving, so model-field validators (the
    personal-data guard among them) hold whichever door the data came in by.
    """
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Fields not updatable here: {sorted(unknown)}")
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, data[name])
    return changed
