"""Slow reporting work (queue `reports`)."""
import random
import time

from shopdemo.celery_app import app


@app.task
def build_daily_report(day):
    time.sleep(random.uniform(15, 30))
    return {"day": day, "orders": random.randint(200, 900)}
