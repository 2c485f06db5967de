"""A pretend payment gateway client; failures surface a few frames below the task."""
import random
import time


class PaymentDeclined(Exception):
    """The card issuer refused the charge."""

    def __init__(self, order_id, reason):
        # args mirror the signature so the exception can be rebuilt from the result backend
        super().__init__(order_id, reason)
        self.order_id = order_id
        self.reason = reason

    def __str__(self):
        return f"payment for order {self.order_id} declined: {self.reason}"


def authorize(order):
    time.sleep(random.uniform(0.05, 0.3))
    score = fraud_score(order)
    if score > 0.85:
        raise PaymentDeclined(order["order_id"], f"fraud score {score:.2f}")
    return f"ch_{random.getrandbits(48):012x}"


def fraud_score(order):
    return random.random() * (1.2 if order["total_cents"] > 30000 else 1.0)
