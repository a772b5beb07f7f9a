from django.urls import path

from apps.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("nieuw/<int:pathway_pk>/", views.referral_new, name="new"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/overdracht/", views.referral_handover, name="handover"),
    path("<int:pk>/<slug:transition>/", views.referral_transition, name="transition"),
]
