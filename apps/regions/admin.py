from typing import Any

from django.contrib import admin
from django.utils import timezone

from apps.core.admin_mixins import CountsNotNamesOnDeletion
from apps.regions.models import Challenge, Municipality, Obstacle, Region


class RegionDataAdmin(admin.ModelAdmin):
    """An edit of region data here marks its region as changed (``loaded_at``), so the region data kept in
    each process (apps.regions.selectors.region_memo) is read again."""

    def _touch(self, region_ids: set[int]) -> None:
        Region.objects.filter(pk__in=region_ids).update(loaded_at=timezone.now())

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        self._touch({form.instance.region_id})

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        self._touch({obj.region_id})

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        region_ids = set(queryset.values_list("region_id", flat=True))
        super().delete_queryset(request, queryset)
        self._touch(region_ids)


@admin.register(Region)
class RegionAdmin(CountsNotNamesOnDeletion, admin.ModelAdmin):
    list_display = ["code", "name_nl", "format_version", "loaded_at"]
    readonly_fields = [f.name for f in Region._meta.fields]

    def has_add_permission(self, request):
        return False  # regions change only by loading a region file


@admin.register(Municipality)
class MunicipalityAdmin(CountsNotNamesOnDeletion, RegionDataAdmin):
    list_display = ["name", "nis_code", "region"]
    list_filter = ["region"]


@admin.register(Obstacle)
class ObstacleAdmin(CountsNotNamesOnDeletion, RegionDataAdmin):
    list_display = ["code", "label_nl", "life_domain", "source", "region"]
    list_filter = ["region", "source"]


@admin.register(Challenge)
class ChallengeAdmin(CountsNotNamesOnDeletion, RegionDataAdmin):
    list_display = ["rank", "persona_name", "title_nl", "region"]
    list_filter = ["region"]
