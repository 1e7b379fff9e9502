"""Language data, alias tables, lexicons and code maps (read with importlib.resources)."""
