"""Helpers for tests (never imported by application code)."""
