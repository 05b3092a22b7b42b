"""Output: one module per format, all reached through `formats.FORMATS`."""
