"""The record of reads: every client whose data a request showed, written once at the end of the request.

One mechanism that a new view cannot forget (docs/decisions/0014-access-matrix.md):

- the access helpers (``get_client_for_user``, ``get_pathway_for_user``, ``pathway_accesses``) and the
  client list querysets (``Client.objects.recorded_for(user)``) call :func:`note_read` for what they grant;
- :class:`apps.audit.middleware.ReadRecordMiddleware` opens a buffer per request and, when the response is
  not a 404 or a server error, writes it: one ``clients.client.viewed`` entry per client opened on its own,
  and one ``clients.list.viewed`` entry per list with the ids shown (not one entry per row).

Each entry holds who (actor), the acting organisations, the purpose, the page (the URL name) and, through
the entry itself, the time. Outside a request (management commands, services in tests) nothing is noted.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ReadBuffer:
    """What one request read: clients opened on their own and lists, per acting user."""

    actor: Any = None
    single: dict[int, tuple[frozenset[int], str]] = field(default_factory=dict)  # client id -> (orgs, purpose)
    lists: list[tuple[list[int], frozenset[int], str]] = field(default_factory=list)


_buffer: contextvars.ContextVar[ReadBuffer | None] = contextvars.ContextVar("padwijzer_reads", default=None)


def start() -> contextvars.Token[ReadBuffer | None]:
    """Open a buffer for this request (the middleware calls it); returns the token for :func:`stop`."""
    return _buffer.set(ReadBuffer())


def stop(token: contextvars.Token[ReadBuffer | None]) -> ReadBuffer | None:
    """Close the buffer and return what it holds."""
    buffer = _buffer.get()
    _buffer.reset(token)
    return buffer


def note_read(*, actor: Any, client_id: int, organisation_ids: Iterable[int] = (), purpose: str = "guidance") -> None:
    """Note that ``actor`` was granted one client's data (acting for ``organisation_ids``, for ``purpose``)."""
    buffer = _buffer.get()
    if buffer is None or not getattr(actor, "is_authenticated", False):
        return
    buffer.actor = actor
    buffer.single.setdefault(client_id, (frozenset(organisation_ids), purpose))


def note_list(
    *, actor: Any, client_ids: Iterable[int], organisation_ids: Iterable[int] = (), purpose: str = "guidance"
) -> None:
    """Note that a list showed these clients to ``actor`` (an empty list is not a read)."""
    buffer = _buffer.get()
    ids = sorted(set(client_ids))
    if buffer is None or not ids or not getattr(actor, "is_authenticated", False):
        return
    buffer.actor = actor
    buffer.lists.append((ids, frozenset(organisation_ids), purpose))
