"""A bureau source's configuration: problems named with their file and key."""

from __future__ import annotations

from pathlib import Path

from adapters.bureau.config import BureauMode, BureauSourceConfig
from adapters.kinds import KINDS
from gateway.config.loader import PROJECT_ROOT
from gateway.config.reader import Problems, Table
from gateway.config.sources import SourceSpec, parse_sources
from gateway.domain import Provenance

GOOD = """
[[source]]
name = "bureau"
kind = "bureau"
provenance = "MARKET_CREDIT"
base_url = "https://bureau.example.cn/api/"
mode = "per_subject"
auth_header = "Authorization"
api_key_env = "BUREAU_KEY"
max_concurrency = 3
timeout_s = 2.0
retries = 2

[[source.mapping]]
type = "RATING"
item = "MARKET_RATING"
id_field = "id"
occurred_field = "dates.rated"

[source.mapping.details]
grade = "rating.grade"
"""


def _parse(tmp_path: Path, text: str) -> tuple[list[SourceSpec], list[str], str]:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    specs = parse_sources(Table.load(path, problems), str(tmp_path), KINDS)
    return specs, [str(p) for p in problems.items], str(path)


def _assert_problem(problems: list[str], file: str, key: str, fragment: str) -> None:
    assert any(p.startswith(f"{file}: {key}: ") and fragment in p for p in problems), (
        key,
        problems,
    )


def test_a_good_source_parses_with_its_defaults(tmp_path: Path) -> None:
    specs, problems, _ = _parse(tmp_path, GOOD)
    assert problems == []
    (spec,) = specs
    config = spec.config
    assert isinstance(config, BureauSourceConfig)
    assert spec.provenance is Provenance.MARKET_CREDIT
    assert spec.items == {"MARKET_RATING"}
    assert spec.resilience.retries == 2
    assert config.base_url == "https://bureau.example.cn/api"
    assert config.mode is BureauMode.PER_SUBJECT
    assert (config.auth_header, config.api_key, config.api_key_env) == (
        "Authorization",
        None,
        "BUREAU_KEY",
    )
    assert config.subject_path == "/v1/subjects/{code}/records"
    assert (config.max_batch, config.max_concurrency, config.type_field) == (100, 3, "type")
    assert config.mappings[0].details == {"grade": "rating.grade"}


def test_forbidden_detail_mapping_is_named(tmp_path: Path) -> None:
    text = GOOD + 'blood_group = "person.xuexing"\nnote = "health.bingshi"\n'
    specs, problems, file = _parse(tmp_path, text)
    # 003 art. 18, 001 art. 37: never collected, whatever the bureau offers
    details = "source[0].mapping[0].details"
    _assert_problem(problems, file, f"{details}.blood_group", "forbidden personal data (blood")
    _assert_problem(problems, file, f"{details}.note", "(disease and medical history)")
    assert set(specs[0].config.mappings[0].details) == {"grade"}


def test_bad_base_url_mode_and_paths_are_named(tmp_path: Path) -> None:
    text = (
        GOOD.replace('"https://bureau.example.cn/api/"', '"ftp://bureau.example.cn"')
        .replace('"per_subject"', '"streaming"')
        .replace("max_concurrency = 3", 'max_concurrency = 0\nsubject_path = "/v1/subjects"')
        .replace('"Authorization"', '"X Api Key"')
    )
    _, problems, file = _parse(tmp_path, text)
    _assert_problem(problems, file, "source[0].base_url", "not an http:// or https:// URL")
    _assert_problem(problems, file, "source[0].mode", "'streaming' is not one of batch")
    _assert_problem(problems, file, "source[0].max_concurrency", "must be at least 1")
    _assert_problem(problems, file, "source[0].subject_path", "must contain '{code}'")
    _assert_problem(problems, file, "source[0].auth_header", "not a valid HTTP header name")


def test_missing_pieces_and_unknown_keys_are_named(tmp_path: Path) -> None:
    text = """
[[source]]
name = "bureau"
kind = "bureau"
base_url = "http://127.0.0.1:8100?x=1"
api_key = "k"
api_key_env = "K"
colour = "red"

[[source.mapping]]
type = "RATING"
item = "MARKET_RATING"

[[source.mapping]]
type = "RATING"
item = "MARKET_RATING"
id_field = "id"
title_column = "title"
"""
    _, problems, file = _parse(tmp_path, text)
    _assert_problem(problems, file, "source[0].base_url", "must not carry a query")
    _assert_problem(problems, file, "source[0].api_key", "exactly one of 'api_key' or")
    _assert_problem(problems, file, "source[0].colour", "unknown key")
    _assert_problem(problems, file, "source[0].mapping[0].id_field", "is required")
    _assert_problem(problems, file, "source[0].mapping[1].type", "duplicate record type")
    _assert_problem(problems, file, "source[0].mapping[1].title_column", "unknown key")


def test_a_bureau_without_mappings_is_named(tmp_path: Path) -> None:
    text = '[[source]]\nname = "b"\nkind = "bureau"\nbase_url = "http://x"\napi_key = "k"\n'
    _, problems, file = _parse(tmp_path, text)
    _assert_problem(problems, file, "source[0].mapping", "at least one [[source.mapping]]")


def test_the_shipped_market_bureau_is_a_market_source(tmp_path: Path) -> None:
    problems = Problems()
    root = Table.load(PROJECT_ROOT / "config" / "sources.toml", problems)
    specs = {s.name: s for s in parse_sources(root, str(tmp_path), KINDS)}
    assert problems.items == []
    bureau = specs["market_bureau"]
    assert bureau.kind == "bureau"
    assert bureau.provenance is Provenance.MARKET_CREDIT
    assert bureau.items == {"MARKET_RATING", "COMMERCIAL_DEFAULT", "CONTRACT_PERFORMANCE"}
    assert bureau.resilience.timeout_s == 2.0
    assert bureau.config.base_url == "http://127.0.0.1:8100"
