from django.urls import path

from . import views

app_name = "requirements"
urlpatterns = [
    path("", views.requirement_pool, name="pool"),
    path("bulk-screen/", views.requirement_bulk_screen, name="bulk-screen"),
    path("new/", views.requirement_create, name="create"),
    path("new/customers/", views.intake_customers, name="intake-customers"),
    path("new/contacts/", views.intake_contacts, name="intake-contacts"),
    path("new/duplicates/", views.intake_duplicates, name="intake-duplicates"),
    path("scoring/", views.scoring_model, name="scoring"),
    path("scoring/preview/", views.scoring_preview, name="scoring-preview"),
    path("scoring/rescores/<uuid:job_id>/", views.scoring_progress, name="scoring-progress"),
    path("scoring/rules/", views.assignment_rules, name="assignment-rules"),
    path("<str:number>/", views.requirement_detail, name="detail"),
    path("<str:number>/code/", views.requirement_code, name="code"),
    path("<str:number>/edit/", views.requirement_edit, name="edit"),
    path("<str:number>/transition/", views.requirement_transition, name="transition"),
    path("<str:number>/merge/", views.requirement_merge, name="merge"),
    path("<str:number>/notes/", views.requirement_note_add, name="note-add"),
    path("<str:number>/files/", views.requirement_evidence_add, name="evidence-add"),
    path("<str:number>/files/<int:pk>/", views.requirement_evidence_file, name="evidence-file"),
    path("<str:number>/changes/", views.change_request_create, name="change-create"),
    path(
        "<str:number>/changes/<int:pk>/decide/", views.change_request_decide, name="change-decide"
    ),
    path(
        "<str:number>/access-code/", views.requirement_access_code_renew, name="access-code-renew"
    ),
]
