"""The public status look-up is throttled per client address, in Redis, across web workers."""

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class StatusLookupThrottle(SimpleRateThrottle):
    """`STATUS_LOOKUP_RATE` look-ups (default 10/min) per address; pages and API share the count."""

    scope = "status_lookup"

    def get_rate(self) -> str:
        return str(settings.STATUS_LOOKUP_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
