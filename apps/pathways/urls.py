from django.urls import path

from apps.pathways import views

# "my work" and the pathway page are in apps.workspace; padwijzer/urls.py adds them to this namespace.
app_name = "pathways"
urlpatterns = [
    path("start/<int:client_pk>/", views.pathway_start_view, name="start"),
    path("<int:pk>/plan/", views.plan_edit, name="plan"),
    path("<int:pk>/team/", views.team_edit, name="team"),
    path("<int:pk>/acties/nieuw/", views.action_new, name="action_new"),
    path("<int:pk>/acties/<int:action_pk>/status/", views.action_status, name="action_status"),
    path("<int:pk>/contact/nieuw/", views.contact_new, name="contact_new"),
    path("<int:pk>/status/<slug:transition>/", views.pathway_transition, name="transition"),
    path("<int:pk>/opvolging/", views.follow_up_view, name="follow_up"),
]
