"""What every area of the officers' web UI shares: the service-call helper and form base, labels, charts, helpers."""
