from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<str:code>/", views.customer_detail, name="detail"),
    path("<str:code>/edit/", views.customer_edit, name="edit"),
    path("<str:code>/contacts/new/", views.contact_create, name="contact-create"),
    path("<str:code>/interactions/new/", views.interaction_create, name="interaction-create"),
    path("<str:code>/missing-data/new/", views.missing_data_create, name="missing-data-create"),
]
