"""syndicator: poll press releases, extract them, keep every version, publish feeds, deliver."""

__version__ = "0.1.0"

__all__ = ["__version__"]
