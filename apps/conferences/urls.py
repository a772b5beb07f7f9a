from django.urls import path

from apps.conferences import views

app_name = "conferences"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("nieuw/", views.conference_new, name="new"),
    path("<int:pk>/", views.conference_detail, name="detail"),
    path("<int:pk>/besluiten/", views.conference_decisions, name="decisions"),
    path("signalen/", views.signal_list, name="signals"),
    path("signalen/nieuw/", views.signal_new, name="signal_new"),
    path("signalen/<int:pk>/opgelost/", views.signal_resolve_view, name="signal_resolve"),
]
