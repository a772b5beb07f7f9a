"""Start-up checks for a production configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Warning, register


@register("staticfiles", deploy=True)
def static_manifest_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """padwijzer.W001: DEBUG is off, the manifest storage is in use and STATIC_ROOT has no staticfiles.json."""
    backend = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    if settings.DEBUG or "Manifest" not in backend and not backend.endswith("StaticStorage"):
        return []
    if (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        return []
    return [
        Warning(
            "Static files have not been collected: pages render, but CSS and scripts will be missing.",
            hint="Run `padwijzer collectstatic --noinput` (make serve does it).",
            id="padwijzer.W001",
        )
    ]
