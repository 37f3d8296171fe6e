"""The numerical engine: NumPy and the standard library only, never the web layer."""
