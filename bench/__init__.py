"""The performance benchmark: ``make bench`` (about ten minutes) or ``make bench QUICK=1``.

``bench.run`` drives everything from outside the app: it prepares a fresh database, starts
gunicorn on 127.0.0.1, loads it with check-ins, and runs the heavy jobs (seeding, exports, the
spreadsheet import) in subprocesses (``bench.tasks``) so that each one's peak memory is its own.
Results go to bench/results/ as JSON and a Markdown table. See bench/README.md.
"""
