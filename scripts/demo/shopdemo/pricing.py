"""Competitor price checks: a chord of lookups feeding one decision."""
import random
import time

from shopdemo.celery_app import app


@app.task
def fetch_price(sku, vendor):
    time.sleep(random.uniform(0.1, 0.6))
    return {"vendor": vendor, "sku": sku, "cents": random.randint(1500, 2500)}


@app.task
def pick_best_offer(offers):
    best = min(offers, key=lambda offer: offer["cents"])
    return {"sku": best["sku"], "vendor": best["vendor"], "cents": best["cents"], "compared": len(offers)}
