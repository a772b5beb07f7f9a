"""State machines as data: each state model declares ``TRANSITIONS`` and one helper enforces them.

A model with a ``status`` field (TextChoices) declares, on the class::

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {Status.INTAKE: frozenset({Status.ACTIVE, ...}), ...}

(keys and targets are the English status values; a final status maps to an empty set). Services
change a status only through :func:`transition`, which raises :class:`TransitionNotAllowed`
(a ``ValidationError`` with a translated message) for an undeclared move.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class TransitionNotAllowed(ValidationError):
    """The object's current status does not lead to the requested one (nothing was changed)."""


def declared(model: Any, *, field: str = "status") -> dict[Any, frozenset[Any]]:
    """The model's declared transitions for ``field`` (``TRANSITIONS``, or ``<FIELD>_TRANSITIONS``)."""
    name = "TRANSITIONS" if field == "status" else f"{field.upper()}_TRANSITIONS"
    transitions: dict[Any, frozenset[Any]] = getattr(model, name)
    return transitions


def sources(model: Any, to: Any, *, field: str = "status") -> frozenset[Any]:
    """The values from which ``to`` is a declared move: the filter of a bulk ``update`` that changes the state
    of rows it has not read (``Model.objects.filter(<field>__in=sources(Model, to)).update(<field>=to)``)."""
    return frozenset(before for before, targets in declared(model, field=field).items() if to in targets)


def can_transition(obj: Any, to: Any, *, field: str = "status") -> bool:
    """Whether ``obj.<field>`` may move to ``to`` according to the model's declaration."""
    return to in declared(type(obj), field=field).get(getattr(obj, field), frozenset())


def _label(obj: Any, field: str, value: Any) -> str:
    choices = dict(type(obj)._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))


def check_transition(obj: Any, to: Any, *, field: str = "status") -> None:
    """Raise ``TransitionNotAllowed`` (naming both statuses in the active language) unless the move is declared."""
    if not can_transition(obj, to, field=field):
        raise TransitionNotAllowed(
            _("Status '%(status)s' cannot become '%(to)s'.")
            % {"status": _label(obj, field, getattr(obj, field)), "to": _label(obj, field, to)},
            code="transition",
        )


def transition(obj: Any, to: Any, *, field: str = "status") -> Any:
    """Move ``obj.<field>`` to ``to`` in memory (the caller saves) and return the previous value.

    Raises ``TransitionNotAllowed`` (nothing changed) when the move is not declared in ``TRANSITIONS``.
    """
    check_transition(obj, to, field=field)
    before = getattr(obj, field)
    setattr(obj, field, to)
    return before
