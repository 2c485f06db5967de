"""Product image processing (queue `media`), used in groups."""
import random
import time

from shopdemo.celery_app import app


@app.task
def make_thumbnail(image_id, width):
    time.sleep(random.uniform(0.2, 1.0))
    return {"image_id": image_id, "width": width, "bytes": width * random.randint(40, 90)}
