"""Re-scoring the pool on a real Celery worker: saving the model queues it, the worker runs it."""

import time
from decimal import Decimal

from requirements import services
from requirements.models import Requirement
from tests.factories import CustomerFactory
from tests.requirements.helpers import new_requirement

SCORING = "/api/v1/scoring-model/"


def test_a_real_worker_rescores_the_pool_after_a_put(
    users, api_client_for, celery_worker, settings, monkeypatch
) -> None:
    settings.RESCORE_CONNECTIONS = 2  # batches on two connections at once, as deployed
    monkeypatch.setattr(services.scoring, "RESCORE_BATCH", 2)  # three batches, two at a time
    customer = CustomerFactory(owner=users["sales_rep"])
    reqs = [new_requirement(users["sales_rep"], customer, importance=i) for i in range(1, 6)]
    client = api_client_for(users["product_manager"])
    model = {
        "weights": {"importance": 1, "urgency": 0, "customer_value": 0, "ease": 0},
        "high_threshold": 4.5,
        "medium_threshold": 2.5,
    }
    res = client.put(SCORING, model, format="json")
    assert res.status_code == 202
    url = res.json()["rescore"]["url"]
    deadline = time.monotonic() + 30
    job = client.get(url).json()
    while job["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = client.get(url).json()
    assert (job["state"], job["progress"], job["changed"], job["total"]) == ("done", 100, 4, 5)
    rows = Requirement.objects.filter(pk__in=[r.pk for r in reqs]).order_by("importance")
    assert [(r.score, r.priority) for r in rows] == [
        (Decimal(i), "low" if i < 2.5 else "medium" if i < 4.5 else "high") for i in range(1, 6)
    ]
