from django.urls import path

from apps.partnership import views_candidacies, views_conversion, views_decisions, views_jury, views_pitches

app_name = "partnership"
urlpatterns = [
    path("kandidatuur/<str:token>/", views_candidacies.candidacy_page, name="candidacy"),
    path("kandidatuur/<str:token>/bijlage/", views_candidacies.candidacy_attachment_add, name="attachment_add"),
    path(
        "kandidatuur/<str:token>/bijlage/<int:pk>/verwijderen/",
        views_candidacies.candidacy_attachment_remove,
        name="attachment_remove",
    ),
    path("kandidatuur/<str:token>/weerwoord/", views_decisions.candidacy_rebuttal, name="rebuttal"),
    path("kandidatuur/<str:token>/beslissing.pdf", views_decisions.candidacy_letter, name="letter"),
    path("<slug:code>/", views_candidacies.call_page, name="call"),
    path("<slug:code>/jury/", views_jury.jury_home, name="jury"),
    path("<slug:code>/jury/leden/", views_jury.jury_members, name="jury_members"),
    path("<slug:code>/jury/leden/<int:pk>/verwijderen/", views_jury.jury_member_remove, name="jury_member_remove"),
    path("<slug:code>/jury/criteria/", views_jury.criteria, name="criteria"),
    path("<slug:code>/jury/criteria/<int:pk>/", views_jury.criterion_edit, name="criterion_edit"),
    path("<slug:code>/jury/dekking/", views_conversion.jury_coverage, name="jury_coverage"),
    path("<slug:code>/jury/dekking/<int:pk>/", views_conversion.jury_coverage_run, name="jury_coverage_run"),
    path("<slug:code>/jury/partners/", views_conversion.jury_convert, name="jury_convert"),
    path("<slug:code>/jury/export.xlsx", views_conversion.jury_export, name="jury_export"),
    path("<slug:code>/jury/<int:pk>/", views_jury.jury_candidacy, name="jury_candidacy"),
    path("<slug:code>/jury/<int:pk>/belangenconflict/", views_jury.jury_conflict, name="jury_conflict"),
    path("<slug:code>/jury/<int:pk>/score/<int:round>/", views_jury.jury_score, name="jury_score"),
    path("<slug:code>/jury/<int:pk>/consensus/", views_jury.jury_consensus, name="jury_consensus"),
    path("<slug:code>/jury/<int:pk>/shortlist/", views_jury.jury_shortlist, name="jury_shortlist"),
    path("<slug:code>/jury/<int:pk>/pitch/", views_pitches.jury_pitch, name="jury_pitch"),
    path("<slug:code>/jury/<int:pk>/beslissing/", views_decisions.jury_decision, name="jury_decision"),
    path("<slug:code>/jury/<int:pk>/beslissing.pdf", views_decisions.jury_letter, name="jury_letter"),
    path("<slug:code>/jury/<int:pk>/weerwoord/", views_decisions.jury_rebuttal, name="jury_rebuttal"),
    path("<slug:code>/jury/<int:pk>/bijlage/<int:attachment>/", views_jury.jury_attachment, name="jury_attachment"),
]
