"""A small online-shop Celery app that gives `npm run demo` realistic traffic to look at."""
