from django.urls import path

from apps.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("<slug:code>/", views.region_detail, name="detail"),
]
