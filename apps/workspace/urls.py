"""URL patterns of the workspace pages. They keep their historical names: padwijzer/urls.py merges each list
into the namespace it has always had (``core:home``, ``clients:detail``, ``pathways:detail``, ...)."""

from django.urls import path

from apps.workspace import views, views_consent

home_urlpatterns = [
    path("", views.home, name="home"),
    path("coordinatie/", views.coordinator_dashboard, name="dashboard"),
    path("coordinatie/lijst/", views.coordinator_dashboard_list, name="dashboard_list"),
]
client_urlpatterns = [
    path("samenvoegen/", views.client_merge_view, name="merge"),
    path("samenvoegen/<int:merge_pk>/ongedaan/", views.client_merge_undo_view, name="merge_undo"),
    path("samenvoegen/niet-dezelfde/", views.client_distinct_view, name="merge_distinct"),
    path(
        "samenvoegen/niet-dezelfde/<int:pair_pk>/ongedaan/",
        views.client_distinct_undo_view,
        name="merge_distinct_undo",
    ),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/toestemming/<int:consent_pk>/intrekken/", views.consent_withdraw_view, name="consent_withdraw"),
    path("<int:pk>/toestemming/nieuw/", views_consent.consent_new, name="consent_new"),
    path("<int:pk>/toestemming/formulier/", views_consent.consent_printable, name="consent_form"),
    path(
        "<int:pk>/toestemming/<int:consent_pk>/getekend/",
        views_consent.consent_signed_form_view,
        name="consent_signed_form",
    ),
    path(
        "<int:pk>/toestemming/<int:consent_pk>/getekend/toevoegen/",
        views_consent.consent_attach_view,
        name="consent_attach",
    ),
    path("<int:pk>/inzage/", views.access_log_view, name="access_log"),
    path("<int:pk>/inzage/kopie/", views.subject_access_export_view, name="subject_access_export"),
    path("<int:pk>/wissen/", views.client_erase_view, name="erase"),
]
pathway_urlpatterns = [
    path("mijn-werk/", views.my_work, name="my_work"),
    path("<int:pk>/", views.pathway_detail, name="detail"),
    path("<int:pk>/afsluiten/", views.pathway_close_view, name="close"),
    path("<int:pk>/heropenen/", views.pathway_reopen_view, name="reopen"),
]
