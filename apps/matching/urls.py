from django.urls import path

from apps.matching import views

app_name = "matching"
urlpatterns = [
    path("hulpvrager/<int:pk>/", views.client_recommendations, name="client"),
]
