"""Charging customers (fails now and then with a declined payment)."""
from shopdemo.celery_app import app
from shopdemo.gateway import authorize


@app.task
def charge_card(order):
    return {**order, "charge_id": authorize(order)}
