from django.apps import AppConfig


class EsfConfig(AppConfig):
    name = "apps.esf"
    label = "esf"
