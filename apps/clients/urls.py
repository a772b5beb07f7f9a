from django.urls import path

from apps.assessment import views as assessment_views
from apps.clients import views, views_import
from apps.consent import views as consent_views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("nieuw/", views.client_register_view, name="register"),
    path("import/", views_import.client_import, name="import"),
    path("samenvoegen/", views.client_merge_view, name="merge"),
    path("samenvoegen/<int:merge_pk>/ongedaan/", views.client_merge_undo_view, name="merge_undo"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/bewerken/", views.client_edit, name="edit"),
    path("<int:pk>/toestemming/nieuw/", consent_views.consent_new, name="consent_new"),
    path("<int:pk>/toestemming/formulier/", consent_views.consent_printable, name="consent_form"),
    path(
        "<int:pk>/toestemming/<int:consent_pk>/intrekken/", consent_views.consent_withdraw_view, name="consent_withdraw"
    ),
    path("<int:pk>/screening/nieuw/", assessment_views.screening_new, name="screening_new"),
    path("<int:pk>/screening/<int:screening_pk>/<slug:step>/", assessment_views.screening_step, name="screening_step"),
]
