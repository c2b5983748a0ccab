"""gunicorn reads this file from the directory it starts in (the README's command runs in the
checkout): production refuses to start several workers whose rate limits would each be kept in
the worker's own memory (config.worker_limits_problem), and each worker keeps large buffers out
of glibc's heaps (tracker.memory)."""

import os
import sys
from pathlib import Path

from config import worker_limits_problem


def on_starting(server):
    problem = worker_limits_problem(
        os.environ, server.cfg.workers, str(Path(__file__).resolve().parent / "instance")
    )
    if problem:
        sys.exit(f"tracker refuses to start: {problem}")


def post_fork(server, worker):
    from tracker.memory import map_large_allocations  # in the worker, which imports the app

    map_large_allocations()
