from django.urls import path

from apps.clients import views, views_import, views_rights

# The client file, the merge page, screenings and consents live under /hulpvragers/ in the ``clients``
# namespace too: padwijzer/urls.py adds the patterns of apps.workspace, apps.assessment and apps.consent.
app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("nieuw/", views.client_register_view, name="register"),
    path("import/", views_import.client_import, name="import"),
    path("<int:pk>/bewerken/", views.client_edit, name="edit"),
    path("<int:pk>/verzegeld/", views.client_seal_open_view, name="seal_open"),
    path("<int:pk>/rechtzetting/", views_rights.rectification_view, name="rectifications"),
    path(
        "<int:pk>/rechtzetting/<int:request_pk>/beslissen/",
        views_rights.rectification_decide_view,
        name="rectification_decide",
    ),
]
