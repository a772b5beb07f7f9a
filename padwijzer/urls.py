from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from apps.assessment import urls as assessment_urls
from apps.clients import urls as clients_urls
from apps.pathways import urls as pathways_urls
from apps.workspace import urls as workspace_urls

# Pages that compose several apps live in apps.workspace (and a client file's screening pages in
# their own app) but keep their URLs and names: their patterns join the namespace they have always had.
clients_patterns = [
    *clients_urls.urlpatterns,
    *workspace_urls.client_urlpatterns,
    *assessment_urls.client_urlpatterns,
]
pathways_patterns = [*workspace_urls.pathway_urlpatterns, *pathways_urls.urlpatterns]

urlpatterns = [
    path("", include((workspace_urls.home_urlpatterns, "core"))),
    path("account/", include("apps.accounts.urls")),
    path("werkingsgebied/", include("apps.regions.urls")),
    path("hulpvragers/", include((clients_patterns, "clients"))),
    path("aanbod/", include("apps.offers.urls")),
    path("matching/", include("apps.matching.urls")),
    path("oproep/", include("apps.partnership.urls")),
    path("werkgevers/", include("apps.employers.urls")),
    path("trajecten/", include((pathways_patterns, "pathways"))),
    path("doorverwijzingen/", include("apps.referrals.urls")),
    path("casusoverleg/", include("apps.conferences.urls")),
    path("groepsaanbod/", include("apps.groups.urls")),
    path("esf/", include("apps.esf.urls")),
    path("api/v1/esf/", include("apps.esf.urls_api")),
    path("meldingen/", include("apps.notifications.urls")),
    path("api/", include("apps.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("beheer/", admin.site.urls),
]

# an address under /api/ that matches no route answers JSON like the rest of the API (apps/api/errors.py)
handler404 = "apps.api.errors.not_found"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
