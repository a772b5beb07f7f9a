from django.urls import path

from apps.offers import views

app_name = "offers"
urlpatterns = [
    path("", views.offer_list, name="list"),
    path("nieuw/", views.offer_new, name="new"),
    path("<int:pk>/", views.offer_detail, name="detail"),
    path("<int:pk>/bewerken/", views.offer_edit, name="edit"),
]
