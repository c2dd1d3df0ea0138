"""Development: DEBUG on unless the environment says otherwise, a development secret key."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403
from .base import SECRET_KEY

# scripts/run writes a random SECRET_KEY into .env; this fallback only serves a bare checkout.
SECRET_KEY = SECRET_KEY or "dev-only:Wm3q8ZtK1vXr5Lp0Yh7Nc2Bf9Gd4Js6Ua-reqhub-local-settings"
