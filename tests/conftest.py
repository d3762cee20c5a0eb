"""Puts tests/ on sys.path so test modules can `from _support import ...` (see _support.py)."""
