from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.api import views_clients, views_consents, views_pathways

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI comes from drf-spectacular-sidecar's static files: no CDN. (No Redoc: its page loads Google Fonts.)
    # The split view serves its start-up script as a file (?script), so the Content-Security-Policy needs no
    # inline script; Swagger UI's page keeps one small <style> block, allowed for this page only.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("v1/clients/", views_clients.ClientListView.as_view(), name="client-list"),
    path("v1/clients/<int:pk>/", views_clients.ClientDetailView.as_view(), name="client-detail"),
    path("v1/clients/<int:pk>/screenings/", views_clients.ClientScreeningsView.as_view(), name="client-screenings"),
    path(
        "v1/clients/<int:pk>/classification/",
        views_clients.ClientClassificationView.as_view(),
        name="client-classification",
    ),
    path("v1/clients/<int:pk>/consents/", views_consents.ClientConsentsView.as_view(), name="client-consents"),
    path(
        "v1/clients/<int:pk>/consents/<int:consent_pk>/withdraw/",
        views_consents.ConsentWithdrawView.as_view(),
        name="consent-withdraw",
    ),
    path("v1/pathways/", views_pathways.PathwayListView.as_view(), name="pathway-list"),
    path("v1/pathways/<int:pk>/", views_pathways.PathwayDetailView.as_view(), name="pathway-detail"),
    path("v1/pathways/<int:pk>/contacts/", views_pathways.PathwayContactView.as_view(), name="pathway-contacts"),
]
