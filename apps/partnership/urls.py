from django.urls import path

from apps.partnership import views

app_name = "partnership"
urlpatterns = [
    path("kandidatuur/<str:token>/", views.candidacy_page, name="candidacy"),
    path("kandidatuur/<str:token>/bijlage/", views.candidacy_attachment_add, name="attachment_add"),
    path(
        "kandidatuur/<str:token>/bijlage/<int:pk>/verwijderen/",
        views.candidacy_attachment_remove,
        name="attachment_remove",
    ),
    path("kandidatuur/<str:token>/weerwoord/", views.candidacy_rebuttal, name="rebuttal"),
    path("kandidatuur/<str:token>/beslissing.pdf", views.candidacy_letter, name="letter"),
    path("<slug:code>/", views.call_page, name="call"),
    path("<slug:code>/jury/", views.jury_home, name="jury"),
    path("<slug:code>/jury/leden/", views.jury_members, name="jury_members"),
    path("<slug:code>/jury/leden/<int:pk>/verwijderen/", views.jury_member_remove, name="jury_member_remove"),
    path("<slug:code>/jury/criteria/", views.criteria, name="criteria"),
    path("<slug:code>/jury/criteria/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path("<slug:code>/jury/dekking/", views.jury_coverage, name="jury_coverage"),
    path("<slug:code>/jury/partners/", views.jury_convert, name="jury_convert"),
    path("<slug:code>/jury/export.xlsx", views.jury_export, name="jury_export"),
    path("<slug:code>/jury/<int:pk>/", views.jury_candidacy, name="jury_candidacy"),
    path("<slug:code>/jury/<int:pk>/belangenconflict/", views.jury_conflict, name="jury_conflict"),
    path("<slug:code>/jury/<int:pk>/score/<int:round>/", views.jury_score, name="jury_score"),
    path("<slug:code>/jury/<int:pk>/consensus/", views.jury_consensus, name="jury_consensus"),
    path("<slug:code>/jury/<int:pk>/shortlist/", views.jury_shortlist, name="jury_shortlist"),
    path("<slug:code>/jury/<int:pk>/pitch/", views.jury_pitch, name="jury_pitch"),
    path("<slug:code>/jury/<int:pk>/beslissing/", views.jury_decision, name="jury_decision"),
    path("<slug:code>/jury/<int:pk>/beslissing.pdf", views.jury_letter, name="jury_letter"),
    path("<slug:code>/jury/<int:pk>/weerwoord/", views.jury_rebuttal, name="jury_rebuttal"),
    path("<slug:code>/jury/<int:pk>/bijlage/<int:attachment>/", views.jury_attachment, name="jury_attachment"),
]
