"""Privet trainer: the source of truth for every model the browser runs."""
