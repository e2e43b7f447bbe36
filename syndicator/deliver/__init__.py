"""Destination kinds. Each module has ``Config``, its limits, ``send``, and ``redacted``."""
