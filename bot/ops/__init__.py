"""What the office's IT watches: health probes, Prometheus metrics, structured logs."""
