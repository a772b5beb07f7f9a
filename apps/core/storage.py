"""Static files in production: whitenoise's compressed manifest storage that never turns a page into a 500.

Django's ``ManifestStaticFilesStorage`` raises ``ValueError`` in ``{% static %}`` for a file missing from
``staticfiles.json``, so before the first ``collectstatic`` (or after adding a file without running it again)
every page answered 500. This storage falls back to the plain name (the file then 404s, the page renders),
logs the missing name once, and the system check ``padwijzer.W001`` warns at start-up that
``collectstatic`` has not been run. ``make serve`` and the systemd unit in docs/deploy.md run it.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed, cached-forever names from ``staticfiles.json``; the plain name when missing."""

    manifest_strict = False
    _missing_logged: set[str] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        """The address of static file ``name``, kept per process: the manifest is read once at start-up, so the
        answer never changes while the process runs, and working it out (the manifest lookup, quoting, joining
        to STATIC_URL) cost some 30 microseconds per ``{% static %}``, six to eight on every page (issue 15).
        Names come from the templates' code, never from a user, so the dict stays as small as they are."""
        if force or name is None:
            return super().url(name, force)
        known = self._urls.get(name)
        if known is None:
            known = self._urls[name] = super().url(name)
        return known

    def stored_name(self, name: str) -> str:
        """The hashed name of ``name`` (e.g. ``css/app.css`` -> ``css/app.3f2a9c.css``), or ``name`` itself."""
        try:
            return super().stored_name(name)
        except ValueError:
            if name not in self._missing_logged:
                self._missing_logged.add(name)
                logger.warning("Static file %s is not in the manifest: run `padwijzer collectstatic`.", name)
            return name


class PrivateStorage(FileSystemStorage):
    """Files that must never be public (signed consent forms): under ``settings.PRIVATE_MEDIA_ROOT``, outside
    static and media, without a URL. Views serve them only after a permission check. The location is read from
    settings on every use, so tests can point it at a temporary directory."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them through a view that checks permissions")


def private_storage() -> PrivateStorage:
    """The storage of private files (a callable, so migrations do not freeze a path)."""
    return PrivateStorage()
