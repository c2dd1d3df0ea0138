"""Login: Argon2 hashes, throttled failures, the adduser command and tokens."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from reqhub.accounts.models import User

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2_in_production_settings() -> None:
    from reqhub.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert get_hasher().algorithm == "argon2"


def test_adduser_creates_and_then_updates(db) -> None:
    call_command("adduser", "li", "--role", "sales_rep", "--password", "first-pass-1")
    user = User.objects.get(username="li")
    assert user.role == "sales_rep" and user.check_password("first-pass-1")
    assert list(user.groups.values_list("name", flat=True)) == ["sales_rep"]
    call_command("adduser", "li", "--role", "product_manager", "--password", "second-pass-2")
    user.refresh_from_db()
    assert user.role == "product_manager" and user.check_password("second-pass-2")
    assert list(user.groups.values_list("name", flat=True)) == ["product_manager"]
    assert User.objects.count() == 1


def test_drf_create_token_gives_a_working_token(db, client) -> None:
    call_command("adduser", "crm", "--role", "integration", "--password", "crm-pass-123")
    call_command("drf_create_token", "crm")
    token = Token.objects.get(user__username="crm")
    res = client.get("/api/v1/customers/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert res.status_code == 200


def test_login_and_redirect(users, client) -> None:
    user = users["sales_rep"]
    user.set_password("right-pass-1")
    user.save()
    res = client.post(reverse("login"), {"username": user.username, "password": "right-pass-1"})
    assert res.status_code == 302


def test_repeated_failed_logins_lock_the_account_for_that_address(users, client) -> None:
    user = users["sales_rep"]
    user.set_password("right-pass-1")
    user.save()
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        res = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
        assert res.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    locked = client.post(reverse("login"), {"username": user.username, "password": "right-pass-1"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
