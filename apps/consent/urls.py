"""Consent pages of a client file; padwijzer/urls.py serves them under /hulpvragers/ in the ``clients``
namespace (``clients:consent_new`` ...)."""

from django.urls import path

from apps.consent import views

client_urlpatterns = [
    path("<int:pk>/toestemming/nieuw/", views.consent_new, name="consent_new"),
    path("<int:pk>/toestemming/formulier/", views.consent_printable, name="consent_form"),
    path("<int:pk>/toestemming/<int:consent_pk>/getekend/", views.consent_signed_form_view, name="consent_signed_form"),
    path("<int:pk>/toestemming/<int:consent_pk>/getekend/toevoegen/", views.consent_attach_view, name="consent_attach"),
]
