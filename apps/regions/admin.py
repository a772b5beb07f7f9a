from django.contrib import admin

from apps.core.admin_mixins import CountsNotNamesOnDeletion
from apps.regions.models import Challenge, Municipality, Obstacle, Region


@admin.register(Region)
class RegionAdmin(CountsNotNamesOnDeletion, admin.ModelAdmin):
    list_display = ["code", "name_nl", "format_version", "loaded_at"]
    readonly_fields = [f.name for f in Region._meta.fields]

    def has_add_permission(self, request):
        return False  # regions change only by loading a region file


@admin.register(Municipality)
class MunicipalityAdmin(CountsNotNamesOnDeletion, admin.ModelAdmin):
    list_display = ["name", "nis_code", "region"]
    list_filter = ["region"]


@admin.register(Obstacle)
class ObstacleAdmin(CountsNotNamesOnDeletion, admin.ModelAdmin):
    list_display = ["code", "label_nl", "life_domain", "source", "region"]
    list_filter = ["region", "source"]


@admin.register(Challenge)
class ChallengeAdmin(CountsNotNamesOnDeletion, admin.ModelAdmin):
    list_display = ["rank", "persona_name", "title_nl", "region"]
    list_filter = ["region"]
