from django.urls import path

app_name = "esf"
urlpatterns: list = []
