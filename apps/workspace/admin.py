"""The admin's "active" boxes of organisations and memberships end them through the lifecycle services.

Unticking "active" on an organisation or on a user's membership in the Django admin would otherwise only flip
the flag and leave the worker on every case team (issue 10 item 3: a worker who leaves loses every pathway at
once). The accounts admin is registered again here, where the services live (accounts may not import
workspace: docs/architecture.md); the admin's change view runs in one transaction, so the flag and what
depends on it change together. Deleting a membership in the admin is not offered: end it instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from apps.accounts.admin import MembershipInline, OrganisationAdmin, UserAdmin
from apps.accounts.models import Membership, Organisation, User
from apps.workspace.services_lifecycle import membership_deactivate, organisation_deactivate


def _unticked(form: Any) -> bool:
    """Whether a bound model form turned an active record's ``is_active`` off."""
    return bool(form.instance.pk) and "is_active" in form.changed_data and not form.cleaned_data.get("is_active")


class LifecycleOrganisationAdmin(OrganisationAdmin):
    def save_model(self, request: Any, obj: Organisation, form: Any, change: bool) -> None:
        """Save the other fields; an unticked "active" goes through ``organisation_deactivate``."""
        ending = change and _unticked(form)
        if ending:
            obj.is_active = True  # the service ends it, with its memberships, team places and offers
        super().save_model(request, obj, form, change)
        if ending:
            organisation_deactivate(organisation=obj, actor=request.user)
            obj.refresh_from_db()


class LifecycleMembershipInline(MembershipInline):
    can_delete = False


class LifecycleUserAdmin(UserAdmin):
    inlines = [LifecycleMembershipInline]

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """Save the memberships; each one whose "active" was unticked goes through ``membership_deactivate``."""
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        ending = [f.instance for f in formset.forms if f.has_changed() and _unticked(f)]
        for membership in ending:
            membership.is_active = True  # the service ends it, with the team places
        super().save_formset(request, form, formset, change)
        for membership in ending:
            membership_deactivate(membership=membership, actor=request.user)


admin.site.unregister(Organisation)
admin.site.register(Organisation, LifecycleOrganisationAdmin)
admin.site.unregister(User)
admin.site.register(User, LifecycleUserAdmin)
