from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from apps.demo.services import DEMO_PASSWORD, demo_seed
from apps.regions.models import Region


class Command(BaseCommand):
    help = "Create synthetic organisations, users and clients for a loaded region (deterministic per seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--region", default=None, help="Region code (default: the only or first region).")
        parser.add_argument("--replace", action="store_true", help="Replace existing clients of the region.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clients"] < 0:
            raise CommandError(_("--clients must be 0 or more."))
        regions = Region.objects.order_by("code")
        region = regions.filter(code=options["region"]).first() if options["region"] else regions.first()
        if region is None:
            raise CommandError(_("No region loaded. Run: padwijzer load_region regions/oostende.json"))
        started = time.perf_counter()
        # the demo's users have made-up addresses (*.invalid): the notifications the seeding triggers send no mail
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        report = demo_seed(region=region, clients=options["clients"], seed=options["seed"], replace=options["replace"])
        self.stdout.write(
            _("%(orgs)s organisations, %(users)s users and %(clients)s clients created in %(s).1f s.")
            % {
                "orgs": report.organisations,
                "users": report.users,
                "clients": report.clients,
                "s": time.perf_counter() - started,
            }
        )
        if report.loop:
            self.stdout.write(
                _(
                    "In the loop: %(referrals)s referrals in every state, %(proposals)s allocation proposals, "
                    "%(conferences)s case conferences, %(signals)s signals, %(sessions)s group sessions, "
                    "%(closures)s closed pathways."
                )
                % report.loop
            )
        self.stdout.write(_("Demo logins (password: %(pw)s):") % {"pw": DEMO_PASSWORD})
        for login in report.logins:
            self.stdout.write(f"  {login.username:<20} {login.role} – {login.organisation}")
        # docs/decisions/0011-login-security.md: the demo asks no second factor unless told to
        if not settings.OTP_REQUIRED_ROLES:
            self.stdout.write(
                _(
                    "Two-step login is not required in this demo (OTP_REQUIRED_ROLES is empty). "
                    "To try it: OTP_REQUIRED_ROLES=coordinator,counsellor make run"
                )
            )
