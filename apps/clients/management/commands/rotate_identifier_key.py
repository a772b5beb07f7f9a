"""Rotate IDENTIFIER_KEY: re-encrypt and re-digest every national number in one transaction (audited).

The new key comes from ``--new-key-file``, ``--new-key`` or the environment variable ``NEW_IDENTIFIER_KEY``
(in that order of preference; a file keeps it out of the shell history). The old key is the configured
``IDENTIFIER_KEY`` unless ``--old-key-file`` names another. Afterwards set ``IDENTIFIER_KEY`` to the new key
and restart every process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.clients.services import identifier_key_rotate


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc


class Command(BaseCommand):
    help = "Re-encrypt and re-digest every national register/BIS number under a new IDENTIFIER_KEY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key", help="The new key (prefer --new-key-file or NEW_IDENTIFIER_KEY).")
        parser.add_argument("--new-key-file", help="A file holding the new key.")
        parser.add_argument("--old-key-file", help="A file holding the current key, if not IDENTIFIER_KEY.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("new_key_file"):
            new_key = _read(options["new_key_file"])
        else:
            new_key = options.get("new_key") or os.environ.get("NEW_IDENTIFIER_KEY", "")
        if not new_key:
            raise CommandError("give the new key with --new-key-file, --new-key or NEW_IDENTIFIER_KEY")
        old_key = _read(options["old_key_file"]) if options.get("old_key_file") else None
        try:
            count = identifier_key_rotate(actor=None, new_key=new_key, old_key=old_key)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{count} national number(s) re-encrypted. Now set IDENTIFIER_KEY to the new key.")
