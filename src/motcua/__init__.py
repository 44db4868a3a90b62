"""MotCua: full-process online public services for Vietnamese agencies."""
