"""Every app's API under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from customers.api.views import CustomerViewSet, InteractionViewSet
from reqhub.exports.api import ExportDetailView, ExportDownloadView, ExportListView
from reqhub.imports.api import ImportCommitView, ImportDetailView, ImportListView
from requirements.api.public import AcceptanceView, FeedbackView, StatusView
from requirements.api.views import RequirementViewSet, RescoreJobView, ScoringModelView

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("requirements", RequirementViewSet, basename="requirement")

urlpatterns = [
    path("exports/", ExportListView.as_view(), name="exports"),
    path("exports/<str:job_id>/", ExportDetailView.as_view(), name="export-detail"),
    path("exports/<str:job_id>/download/", ExportDownloadView.as_view(), name="export-download"),
    path("imports/", ImportListView.as_view(), name="imports"),
    path("imports/<uuid:job_id>/", ImportDetailView.as_view(), name="import-detail"),
    path("imports/<uuid:job_id>/commit/", ImportCommitView.as_view(), name="import-commit"),
    path("status/<str:number>/", StatusView.as_view(), name="status"),
    path("status/<str:number>/acceptance/", AcceptanceView.as_view(), name="status-acceptance"),
    path("status/<str:number>/feedback/", FeedbackView.as_view(), name="status-feedback"),
    path("scoring-model/", ScoringModelView.as_view(), name="scoring-model"),
    path("scoring-model/rescores/<uuid:job_id>/", RescoreJobView.as_view(), name="scoring-rescore"),
    path("", include(router.urls)),
]
