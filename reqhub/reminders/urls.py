from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("<int:pk>/open/", views.reminder_open, name="open"),
    path("<int:pk>/done/", views.reminder_done, name="done"),
    path("<int:pk>/snooze/", views.reminder_snooze, name="snooze"),
]
