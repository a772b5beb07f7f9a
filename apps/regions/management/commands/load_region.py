from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from apps.regions.services import RegionLoadError, region_load_text


class Command(BaseCommand):
    help = "Validate a region file (werkingsgebied) and load it in one transaction; safe to repeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--check", action="store_true", help="Validate only, write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from exc
        if options["check"]:
            from apps.regions.validation import parse_region_text

            _doc, errors = parse_region_text(text)
            if errors:
                self._fail(path, errors)
            self.stdout.write(self.style.SUCCESS(_("%(path)s is valid.") % {"path": path}))
            return
        try:
            report = region_load_text(text=text, source=path.name)
        except RegionLoadError as exc:
            self._fail(path, exc.errors)
        for kind, counts in report.as_dict().items():
            if counts:
                detail = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
                self.stdout.write(f"{kind}: {detail}")
        self.stdout.write(
            self.style.SUCCESS(
                _("Region '%(code)s' loaded from %(path)s.") % {"code": report.region.code, "path": path}
            )
        )

    def _fail(self, path: Path, errors: list[Any]) -> None:
        for error in errors:
            self.stderr.write(f"{path}: {error}")
        raise CommandError(_("%(n)s error(s) in %(path)s; nothing was changed.") % {"n": len(errors), "path": path})
