from django.urls import path

from apps.groups import views

app_name = "groups"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("nieuw/", views.activity_new, name="new"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/sessies/nieuw/", views.session_new, name="session_new"),
    path("<int:pk>/sessies/<int:session_pk>/aanwezigheid/", views.session_attendance, name="attendance"),
]
