from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "apps.partnership"
    label = "partnership"
