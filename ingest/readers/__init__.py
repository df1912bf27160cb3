"""Readers: bytes of one file format → ``Row`` lists (see ingest.table_model)."""
