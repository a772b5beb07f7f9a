from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "apps.pathways"
    label = "pathways"
