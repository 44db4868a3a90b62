"""Operations: health and readiness probes, request ids, metrics, the scheduled jobs."""
