"""Order intake: the first step of the checkout chain."""
import random

from shopdemo.celery_app import app


class InvalidOrder(ValueError):
    """The order cannot be fulfilled as placed."""


@app.task
def validate_order(order_id):
    lines = random.randint(1, 5)
    if random.random() < 0.05:
        raise InvalidOrder(f"order {order_id} has no shipping address")
    return {"order_id": order_id, "lines": lines, "total_cents": lines * random.randint(900, 12900)}
