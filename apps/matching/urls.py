from django.urls import path

from apps.matching import views

app_name = "matching"
urlpatterns = [
    path("hulpvrager/<int:pk>/", views.client_recommendations, name="client"),
    path("hulpvrager/<int:pk>/wachtlijst/", views.waiting_list_add_view, name="waiting_add"),
    path("toewijzing/", views.allocation_list, name="allocation"),
    path("toewijzing/<int:pk>/", views.allocation_detail, name="run"),
    path("voorstellen/", views.proposals_for_me, name="proposals"),
    path("voorstellen/<int:pk>/<slug:decision>/", views.proposal_decide, name="decide"),
]
