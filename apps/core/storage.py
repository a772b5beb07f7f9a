"""Static files in production: whitenoise's compressed manifest storage that never turns a page into a 500.

Django's ``ManifestStaticFilesStorage`` raises ``ValueError`` in ``{% static %}`` for a file missing from
``staticfiles.json``, so before the first ``collectstatic`` (or after adding a file without running it again)
every page answered 500. This storage falls back to the plain name (the file then 404s, the page renders),
logs the missing name once, and the system check ``padwijzer.W001`` warns at start-up that
``collectstatic`` has not been run. ``make serve`` and the systemd unit in docs/deploy.md run it.
"""

from __future__ import annotations

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed, cached-forever names from ``staticfiles.json``; the plain name when missing."""

    manifest_strict = False
    _missing_logged: set[str] = set()

    def stored_name(self, name: str) -> str:
        """The hashed name of ``name`` (e.g. ``css/app.css`` -> ``css/app.3f2a9c.css``), or ``name`` itself."""
        try:
            return super().stored_name(name)
        except ValueError:
            if name not in self._missing_logged:
                self._missing_logged.add(name)
                logger.warning("Static file %s is not in the manifest: run `padwijzer collectstatic`.", name)
            return name
