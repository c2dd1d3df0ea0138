from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_upload, name="upload"),
    path("template/<str:kind>/", views.import_template, name="template"),
    path("<uuid:job_id>/", views.import_job, name="job"),
    path("<uuid:job_id>/commit/", views.import_commit, name="commit"),
]
