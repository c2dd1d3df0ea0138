# ReqHub image for web, worker and beat (docker-compose.yml).
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=reqhub.settings.production
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=frontend /app/node_modules ./node_modules
RUN SECRET_KEY=collectstatic-only-0123456789abcdefghijklmnopqrstuvwxyz \
    python manage.py collectstatic --noinput
RUN useradd --create-home reqhub && mkdir -p /app/var/media && chown -R reqhub /app/var
USER reqhub
EXPOSE 8000
CMD ["gunicorn", "reqhub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
