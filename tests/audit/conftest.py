"""Audit tests sign with a fresh key in a private DATA_DIR: tests/conftest.py's ``data_dir``."""
