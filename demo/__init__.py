"""Deterministic demo data: four provider-unit SQLite databases and five known subjects.

`make demo` runs :func:`generate` (through `credit-gateway demo-data`) into
`var/demo`; `config/sources.toml` maps the databases' tables to catalogue
items. See :mod:`demo.generate` for sizes and guarantees.
"""

from demo.examples import EXAMPLE_CODES, EXAMPLES, ExampleSubject
from demo.generate import (
    DEFAULT_SEED,
    SIZES,
    GenerationReport,
    demo_data_present,
    generate,
)

__all__ = [
    "DEFAULT_SEED",
    "EXAMPLES",
    "EXAMPLE_CODES",
    "SIZES",
    "ExampleSubject",
    "GenerationReport",
    "demo_data_present",
    "generate",
]
