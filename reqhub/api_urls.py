"""Every app's API under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from customers.api.views import CustomerViewSet, InteractionViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("interactions", InteractionViewSet, basename="interaction")

urlpatterns = [
    path("", include(router.urls)),
]
