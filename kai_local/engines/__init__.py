"""Inference engines behind small Protocols; `registry` maps models.toml's `engine` to a class."""
