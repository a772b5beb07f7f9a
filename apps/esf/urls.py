from django.urls import path

from apps.esf import views

app_name = "esf"
urlpatterns = [
    path("<slug:code>/", views.report, name="report"),
    path("<slug:code>/deelnemers/", views.participants, name="participants"),
    path("<slug:code>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<slug:code>/export.csv", views.export_csv, name="export_csv"),
    path("<slug:code>/jaarrapport.pdf", views.export_pdf, name="export_pdf"),
    path("<slug:code>/auditlijst.<str:fmt>", views.auditors, name="auditors"),
    path("<slug:code>/datakwaliteit/", views.quality, name="quality"),
    path("<slug:code>/voortgang/", views.progress_page, name="progress"),
    path("<slug:code>/import/", views.import_participants, name="import"),
    path("traject/<int:pathway_pk>/", views.enter, name="enter"),
    path("deelname/<int:pk>/", views.record, name="record"),
]
