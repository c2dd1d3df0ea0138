"""Request types for views behind a login (django-stubs' recommended pattern)."""

from django.http import HttpRequest
from rest_framework.request import Request

from reqhub.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User


class AuthedRequest(Request):
    user: User
