"""The demo's Celery app; scripts/demo.sh sets DEMO_BROKER_URL / DEMO_BACKEND_URL."""
import os

from celery import Celery
from kombu import Exchange, Queue

app = Celery(
    "shopdemo",
    broker=os.environ.get("DEMO_BROKER_URL", "redis://127.0.0.1:6379/0"),
    backend=os.environ.get("DEMO_BACKEND_URL", "redis://127.0.0.1:6379/1"),
    include=[
        "shopdemo.orders",
        "shopdemo.payments",
        "shopdemo.emails",
        "shopdemo.media",
        "shopdemo.inventory",
        "shopdemo.pricing",
        "shopdemo.reports",
    ],
)

app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_send_task_events=True,
    task_send_sent_event=True,
    task_track_started=True,
    result_extended=True,
    result_expires=3600,
    task_default_queue="celery",
    task_queues=[Queue(name, Exchange(name, type="direct"), routing_key=name) for name in ("celery", "emails", "media", "reports")],
    task_routes={
        "shopdemo.emails.*": {"queue": "emails"},
        "shopdemo.media.*": {"queue": "media"},
        "shopdemo.reports.*": {"queue": "reports"},
    },
    timezone="UTC",
    enable_utc=True,
)
