"""Transactional email (queue `emails`)."""
import random
import time

from shopdemo.celery_app import app


@app.task
def send_receipt(order):
    time.sleep(random.uniform(0.1, 0.4))
    return {"order_id": order["order_id"], "message_id": f"<{random.getrandbits(40):x}@mail.shop.example>"}


@app.task(rate_limit="30/m")
def send_newsletter(segment):
    time.sleep(0.5)
    return {"segment": segment, "recipients": random.randint(100, 5000)}
