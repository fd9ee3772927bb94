"""`leadwatch worker`: crawl and digest workers on many machines, one PostgreSQL.

queue.py (procrastinate's tasks, queues, locks), plan.py (what is due, from the
database), run.py (a worker process), status.py (`leadwatch workers`).
"""
