#!/usr/bin/env bash
# Extract translatable strings into locale/*/LC_MESSAGES/django.po, then compile them.
# Translate the new entries (zh_Hans) between the two steps: run once with `extract`,
# translate, then run with `compile`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=reqhub.settings.test
case "${1:-all}" in
  extract|all)
    .venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete --no-location \
      --ignore=.venv --ignore=node_modules --ignore=var --ignore=staticfiles --ignore=tests ;;&
  compile|all)
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules ;;
esac
