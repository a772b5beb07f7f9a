"""Screening pages of a client file; padwijzer/urls.py serves them under /hulpvragers/ in the ``clients``
namespace (``clients:screening_new`` ...)."""

from django.urls import path

from apps.assessment import views

client_urlpatterns = [
    path("<int:pk>/screening/nieuw/", views.screening_new, name="screening_new"),
    path("<int:pk>/screening/<int:screening_pk>/<slug:step>/", views.screening_step, name="screening_step"),
]
