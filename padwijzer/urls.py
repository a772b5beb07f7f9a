from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("apps.core.urls")),
    path("account/", include("apps.accounts.urls")),
    path("werkingsgebied/", include("apps.regions.urls")),
    path("hulpvragers/", include("apps.clients.urls")),
    path("aanbod/", include("apps.partners.urls")),
    path("matching/", include("apps.matching.urls")),
    path("oproep/", include("apps.partnership.urls")),
    path("trajecten/", include("apps.pathways.urls")),
    path("doorverwijzingen/", include("apps.referrals.urls")),
    path("esf/", include("apps.esf.urls")),
    path("casusoverleg/", include("apps.pathways.urls_conferences")),
    path("groepsaanbod/", include("apps.pathways.urls_groups")),
    path("api/v1/esf/", include("apps.esf.urls_api")),
    path("api/", include("apps.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("beheer/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
