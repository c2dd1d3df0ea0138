"""Fixtures every suite shares: one user per role, API clients with tokens."""

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reqhub.accounts.models import User
from reqhub.accounts.roles import Role
from tests.factories import UserFactory

pytest_plugins = ["tests.celery_fixtures"]


@pytest.fixture(autouse=True, scope="session")
def _clear_unconsumed_tasks() -> Iterator[None]:
    """Tasks tests queued without a worker to take them are dropped when the run ends."""
    yield
    from tests.celery_fixtures import purge

    purge(settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"])


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    """Throttles and lockouts live in Redis: every test starts with none of this worker's."""
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(role: Role | str = Role.SALES_REP, **kwargs: object) -> User:
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def users(make_user: Callable[..., User]) -> dict[str, User]:
    """One user per role, keyed by role value; `sales_rep_2` is a second sales rep."""
    made = {role.value: make_user(role, username=role.value) for role in Role}
    made["sales_rep_2"] = make_user(Role.SALES_REP, username="sales_rep_2")
    return made


@pytest.fixture
def api_client_for() -> Callable[[User], APIClient]:
    def make(user: User) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
