"""Ingest: adapter records in; identity resolution, quarantine, sources and webhook deliveries."""
