"""Continuous, realistic traffic for the demo cluster: checkouts (chains), thumbnail batches
(groups), price checks (chords), flaky stock syncs (retries), failures and a slow report."""
import datetime
import itertools
import random
import signal
import sys
import time

from celery import chain, chord, group

from shopdemo import emails, inventory, media, orders, payments, pricing, reports

SKUS = [f"SKU-{n:04d}" for n in (1021, 1187, 2044, 3310, 4099, 5120)]
VENDORS = ["acme", "globex", "initech", "umbrella"]


def checkout(order_id):
    chain(orders.validate_order.s(order_id), payments.charge_card.s(), emails.send_receipt.s()).delay()


def thumbnails():
    image = f"img-{random.randint(10000, 99999)}"
    group(media.make_thumbnail.s(image, width) for width in (128, 256, 512)).delay()


def price_check():
    sku = random.choice(SKUS)
    chord(pricing.fetch_price.s(sku, vendor) for vendor in VENDORS)(pricing.pick_best_offer.s())


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    last_report = 0.0
    for order_id in itertools.count(5001):
        checkout(order_id)
        roll = random.random()
        if roll < 0.35:
            thumbnails()
        elif roll < 0.6:
            price_check()
        elif roll < 0.8:
            inventory.sync_stock.delay(random.choice(SKUS))
        elif roll < 0.83:
            emails.send_newsletter.delay(random.choice(["vip", "lapsed", "new"]))
        if time.monotonic() - last_report > 45:
            reports.build_daily_report.delay(datetime.date.today().isoformat())
            last_report = time.monotonic()
        time.sleep(random.uniform(0.6, 1.6))


if __name__ == "__main__":
    main()
