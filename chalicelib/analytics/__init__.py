"""Delivery analytics: per-day counters kept by the event pipeline, read by one Query."""
