"""kai-local: an offline implementation of the kai mconnect API."""

__version__ = "0.1.0"
