from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts.models import Membership, Organisation, User
from apps.accounts.services import organisation_search_key
from apps.core.admin_mixins import CountsNotNamesOnDeletion


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(CountsNotNamesOnDeletion, BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Padwijzer", {"fields": ("preferred_language",)}))


@admin.register(Organisation)
class OrganisationAdmin(CountsNotNamesOnDeletion, admin.ModelAdmin):
    list_display = ["name", "kind", "region", "municipality", "is_active"]
    list_filter = ["region", "kind", "is_active"]
    search_fields = ["name", "code"]

    def save_model(self, request: Any, obj: Organisation, form: Any, change: bool) -> None:
        obj.search_key = organisation_search_key(obj)
        super().save_model(request, obj, form, change)
