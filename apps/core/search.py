"""One normalised search key: search as Flemish workers type (issue 10 item 8, docs/decisions/0018-search-key.md).

A worker types "celine", "vandenbroeck", "van den broeck", "dhondt" or "jean pierre"; the records say
"Céline", "Van den Broeck", "D'Hondt" / "D’Hondt", "Jean-Pierre". Both sides go through the same folding:

- case folded, accents removed (Unicode NFKD, combining marks dropped; "ß" -> "ss", "æ" -> "ae");
- within one field every character that is not a letter or digit is dropped (apostrophes ' ’ ` ´, hyphens,
  dots, spaces), so particles and compound names collapse into one token: "Van den Broeck" -> "vandenbroeck",
  "D’Hondt" -> "dhondt", "Jean-Pierre" -> "jeanpierre";
- fields are separated by one space in the stored key: ``search_key("Céline", "Van den Broeck")`` is
  ``"celine vandenbroeck"``.

A query is split into words, each word folded the same way; a record matches when every word is a substring
of its key (``search_filter``). So "van den broeck" (three words, each inside "vandenbroeck") and
"vandenbroeck" (one word) both find Van den Broeck, on SQLite and PostgreSQL alike (plain ``LIKE``; on
PostgreSQL a trigram index serves it, see ``trigram_index_operations``).

Numbers (client number, phone, national number) are the caller's: ``digits_of`` and ``phone_key`` give the
forms to compare; a phone is stored in the key as its national digits ("+32 470 12 34 56" -> "0470123456").

The key is data derived from other columns: the service that writes a record's fields recomputes it in the
same save (never a signal or ``save()`` override); a data migration fills existing rows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q

MAX_WORDS = 5
"""A query's words beyond this are ignored (each word is one ``LIKE``)."""

MAX_KEY_LENGTH = 500
"""The column length of every ``search_key`` (longer keys are cut; only the tail of very long text is lost)."""

_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "ł": "l"})


def fold(text: str) -> str:
    """``text`` case-folded, without accents, keeping only letters, digits and spaces (ASCII where possible).

    ``fold("Céline D’Hondt-Peeters")`` -> ``"celine dhondtpeeters"``: apostrophes and hyphens join, other
    punctuation separates no more than a space does.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL).casefold())
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        if ch.isalnum():
            out.append(ch)
        elif ch.isspace() or ch in ",;/|()[]":
            out.append(" ")
        # apostrophes, hyphens, dots and other marks are dropped: they join the parts of a name
    return " ".join("".join(out).split())


def token(text: str) -> str:
    """One field as one token: :func:`fold` without the spaces ("Van den Broeck" -> ``"vandenbroeck"``)."""
    return fold(text).replace(" ", "")


def search_key(*fields: str | None) -> str:
    """The stored key of a record: each non-empty field as one :func:`token` (a person's first and last
    name: "Van den Broeck" -> ``"vandenbroeck"``), separated by single spaces, cut at :data:`MAX_KEY_LENGTH`.
    Multi-word texts (titles, organisation names) go through :func:`words_key` and are joined by the caller."""
    key = " ".join(t for t in (token(f) for f in fields if f) if t)
    return key[:MAX_KEY_LENGTH]


def words_key(text: str | None) -> str:
    """A multi-word text (a title, an organisation name) for a stored key: its folded words, then (when it
    has several) all of them as one token, so both "van den broeck" and "vandenbroeck" find it:
    ``"Van den Broeck vzw"`` -> ``"van den broeck vzw vandenbroeckvzw"``."""
    words = fold(text or "")
    compact = words.replace(" ", "")
    return f"{words} {compact}" if " " in words else words


def compose_key(
    *, names: Iterable[str | None] = (), texts: Iterable[str | None] = (), phones: Iterable[str | None] = ()
) -> str:
    """The one stored key of a record (cut at :data:`MAX_KEY_LENGTH`), from

    - ``names``: people's names and codes, each one :func:`token` ("Van den Broeck" -> ``vandenbroeck``);
    - ``texts``: titles and organisation names, through :func:`words_key` (words and the whole as one token);
    - ``phones``: phone numbers as :func:`phone_key` digits.

    Clients: ``names=(first_name, last_name), phones=(phone,)``; offers ``texts=(title,)``; organisations
    ``texts=(name,)``; candidacies ``texts=(organisation_name,), names=(applicant, contact, reference,
    enterprise number)``. The services that write those fields call it in the same save.
    """
    parts = [words_key(t) for t in texts if t]
    parts += [token(n) for n in names if n]
    parts += [phone_key(p) for p in phones if p]
    return " ".join(p for p in parts if p)[:MAX_KEY_LENGTH]


def query_words(query: str) -> list[str]:
    """The words of a typed query, each folded to one token, empty ones dropped, at most :data:`MAX_WORDS`."""
    words = [token(w) for w in (query or "").split()]
    return [w for w in words if w][:MAX_WORDS]


def search_filter(query: str, *fields: str) -> Q:
    """A ``Q`` that matches rows where every word of ``query`` (after folding) is contained in one of
    ``fields`` (default ``search_key``; fields may follow relations: ``"organisation__search_key"``).

    An empty or punctuation-only query gives ``Q()`` (everything).
    """
    names = fields or ("search_key",)
    q = Q()
    for word in query_words(query):
        any_field = Q()
        for name in names:
            any_field |= Q(**{f"{name}__contains": word})
        q &= any_field
    return q


def digits_of(query: str) -> str:
    """The digits of ``query`` when it is a number as people type one ("#123", "90.03.15-123.77",
    "+32 470 12 34 56", "0470/12.34.56"), else ``""`` (any letter makes it a name)."""
    text = (query or "").strip()
    if not text or any(ch.isalpha() for ch in text):
        return ""
    if not all(ch.isdigit() or ch in "#+ ./-()" for ch in text) or not text.isascii():
        return ""
    return "".join(ch for ch in text if ch.isdigit())


def phone_key(phone: str | None) -> str:
    """A phone number as its Belgian national digits: "+32 470 12 34 56" and "0032 470..." -> "0470123456";
    other numbers as their digits ("" when there are none)."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if (phone or "").strip().startswith("+32") and digits.startswith("32"):
        return "0" + digits[2:]
    if digits.startswith("0032"):
        return "0" + digits[4:]
    return digits


MIN_PHONE_DIGITS = 6
"""A number query shorter than this is a client number only (too short to look for inside phone numbers)."""


def refresh_keys(rows: Iterable[Any], compute: Callable[[Any], str], model: Any, batch_size: int = 500) -> int:
    """Set ``search_key = compute(row)`` on every row whose key changed and save them in batches (for data
    migrations and bulk writers); returns how many rows changed."""
    changed = []
    for row in rows:
        key = compute(row)
        if row.search_key != key:
            row.search_key = key
            changed.append(row)
    model.objects.bulk_update(changed, ["search_key"], batch_size=batch_size)
    return len(changed)


def trigram_index_sql(table: str, name: str) -> tuple[list[str], list[str]]:
    """(forward, backward) SQL for a PostgreSQL trigram GIN index on ``table.search_key``, for
    ``migrations.RunPython`` through :func:`trigram_index_operations`."""
    forward = [f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("search_key" gin_trgm_ops)']
    backward = [f'DROP INDEX IF EXISTS "{name}"']
    return forward, backward


def trigram_index_operations(table: str, name: str) -> tuple[Callable[..., None], Callable[..., None]]:
    """(forward, backward) functions for ``migrations.RunPython``: on PostgreSQL create (drop) a trigram GIN
    index on ``table.search_key`` so that ``LIKE '%word%'`` is served by an index; the ``pg_trgm`` extension
    is created when the role may do so, else the index is left out (the search stays correct, only slower).
    On other databases they do nothing (SQLite scans; its btree index on the column serves equality)."""
    forward_sql, backward_sql = trigram_index_sql(table, name)

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        from django.db import DatabaseError, transaction

        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                for sql in forward_sql:
                    schema_editor.execute(sql)
        except DatabaseError:  # no right to create the extension: the plain index remains
            return

    def backward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in backward_sql:
            schema_editor.execute(sql)

    return forward, backward
