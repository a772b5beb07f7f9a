from django.urls import path

from apps.employers import views

app_name = "employers"
urlpatterns = [
    path("", views.employers, name="list"),
    path("nieuw/", views.employer_new, name="new"),
    path("overzicht/", views.overview_page, name="overview"),
    path("overzicht.xlsx", views.overview_export, name="export"),
    path("kansen/", views.opportunities, name="opportunities"),
    path("plaatsingen/", views.placements, name="placements"),
    path("<int:pk>/", views.employer_detail, name="detail"),
    path("<int:pk>/contactpersoon/", views.contact_add, name="contact_add"),
    path("<int:pk>/activiteit/", views.activity_add, name="activity_add"),
    path("<int:pk>/activiteit/<int:activity_pk>/opgevolgd/", views.activity_done, name="activity_done"),
    path("<int:pk>/kans/nieuw/", views.opportunity_new, name="opportunity_new"),
    path("kans/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("kans/<int:pk>/sluiten/", views.opportunity_close_view, name="opportunity_close"),
    path("hulpvrager/<int:client_pk>/", views.client_opportunities, name="client"),
    path("hulpvrager/<int:client_pk>/wensen/", views.work_wish_edit, name="wish"),
    path("hulpvrager/<int:client_pk>/voorstellen/<int:opportunity_pk>/", views.propose, name="propose"),
    path("plaatsing/<int:pk>/", views.placement_detail, name="placement"),
    path("plaatsing/<int:pk>/toestemming/", views.placement_consent, name="placement_consent"),
    path("plaatsing/<int:pk>/nieuwe-link/", views.placement_renew, name="placement_renew"),
    path("plaatsing/<int:pk>/intake/", views.placement_intake, name="placement_intake"),
    path("plaatsing/<int:pk>/start/", views.placement_start_view, name="placement_start"),
    path("plaatsing/<int:pk>/einde/", views.placement_end_view, name="placement_end"),
    path("plaatsing/<int:pk>/intrekken/", views.placement_withdraw_view, name="placement_withdraw"),
    path("plaatsing/<int:pk>/coaching/<int:contact_pk>/", views.coaching_record, name="coaching"),
    path("plaatsing/<int:pk>/traject-afsluiten/", views.placement_close_pathway, name="close_pathway"),
    path("plaatsing/<int:pk>/opvolging/", views.placement_follow_up, name="follow_up"),
    path("link/<str:token>/", views.employer_link, name="link"),
]
