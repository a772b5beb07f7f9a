"""The ESF+ API, included under /api/v1/esf/ (padwijzer/urls.py)."""

from django.urls import path

from apps.esf import api

app_name = "esf_api"
urlpatterns = [
    path("participations/", api.ParticipationCreateView.as_view(), name="participation-create"),
    path("participations/<int:pk>/", api.ParticipationDetailView.as_view(), name="participation-detail"),
    path("participations/<int:pk>/leaving/", api.LeavingView.as_view(), name="participation-leaving"),
    path("participations/<int:pk>/follow-up/", api.FollowUpView.as_view(), name="participation-follow-up"),
    path("<slug:code>/report/", api.ReportView.as_view(), name="report"),
]
