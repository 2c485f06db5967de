"""Stock sync with a flaky warehouse API: retried automatically, sometimes fails for good."""
import random

from shopdemo.celery_app import app


class WarehouseUnavailable(ConnectionError):
    """The warehouse API timed out."""


@app.task(autoretry_for=(WarehouseUnavailable,), max_retries=3, default_retry_delay=2)
def sync_stock(sku):
    if random.random() < 0.45:
        raise WarehouseUnavailable(f"warehouse API timed out for {sku}")
    return {"sku": sku, "on_hand": random.randint(0, 250)}
