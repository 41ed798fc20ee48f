"""Performance measurements of the whole product: ``python -m bench`` (``make bench``).

``python -m bench.pipelines`` compares NLU pipelines on this project's data
(docs/PIPELINE.md). Everything runs on loopback with its own ports and temp dirs.
"""
