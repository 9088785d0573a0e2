"""Configuration: `config/*.toml` parsed into frozen dataclasses (STYLE.md rule 2)."""

from gateway.config.errors import ConfigError, ConfigProblem

__all__ = ["ConfigError", "ConfigProblem"]
