from django.contrib import admin

from apps.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["sequence", "created_at", "sentence", "action", "actor", "object_type", "object_id"]
    list_filter = ["action"]
    readonly_fields = [
        "sequence",
        "created_at",
        "action",
        "actor",
        "object_type",
        "object_id",
        "changes",
        "previous_hash",
        "hash",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
