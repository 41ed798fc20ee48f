"""HTTP routes of the backend: internal (services), staff (units), public (verification)."""
