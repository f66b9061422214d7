"""Gunicorn settings for the Procfile's web process: `gunicorn config.wsgi --config python:config.gunicorn`.

The application is loaded once, in the master, before the workers are forked (``preload_app``): a worker
started later (one recycled after ``max_requests``, or one replacing a worker that died) is a fork that serves
at once, instead of importing Django while requests wait, and the workers share the loaded code's memory.
The price: SIGHUP restarts the workers from the code the master already holds, so it never loads a new
release. A new release is new processes (the platform's rolling restart, or gunicorn's USR2 then QUIT to
the old master); the README's "Releases" section says how, and why migrations must suit both releases.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Two or three per core is gunicorn's advice for synchronous workers; the platform sets WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
preload_app = True
# A request still running after this long is stuck: the worker is killed and replaced.
timeout = 30
# On SIGTERM (a release, a scale-down), workers finish the requests they hold for up to this long.
graceful_timeout = 30
# Recycle each worker after about this many requests, bounding any slow memory growth; the jitter keeps the
# workers from all restarting at once.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"


def pre_fork(server, worker):
    """No database connection may cross a fork: two workers on one socket would interleave their queries.
    Loading the application opens none today; this makes sure of it."""
    if server.cfg.preload_app:
        from django.db import connections

        connections.close_all()
