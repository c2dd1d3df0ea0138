from django.urls import path

from . import views

urlpatterns = [
    path("start/", views.export_start, name="export-start"),
    path("<str:job_id>/", views.export_progress, name="export-page"),
]
