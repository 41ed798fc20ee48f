"""Privacy jobs: the tracker store forgets conversations after the retention time (see purge.py)."""
