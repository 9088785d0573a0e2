"""Attributes that must never be collected or returned.

003 art. 18, 001 art. 37 and 002 art. 19 forbid religion, genes, fingerprints
and other biometrics, blood type, disease and medical history, and
whereabouts. A key or label that names one of these concepts, in English,
pinyin or Chinese, is rejected by `check-config` and dropped at normalisation.
"""

from __future__ import annotations

import re

# concept -> fragments that identify it in a key, column name or label
_FRAGMENTS: dict[str, tuple[str, ...]] = {
    "religion": ("religion", "religious", "faith", "zongjiao", "宗教", "信仰"),
    "genes": ("gene", "genetic", "dna", "jiyin", "基因"),
    "biometrics": (
        "fingerprint",
        "biometric",
        "face_image",
        "iris",
        "voiceprint",
        "zhiwen",
        "指纹",
        "生物识别",
        "虹膜",
        "人脸",
        "声纹",
    ),
    "blood type": ("blood", "xuexing", "血型"),
    "disease and medical history": (
        "disease",
        "illness",
        "medical",
        "diagnosis",
        "health_record",
        "jibing",
        "bingshi",
        "疾病",
        "病史",
        "病历",
        "诊断",
    ),
    "whereabouts": (
        "whereabouts",
        "location_trace",
        "trajectory",
        "gps",
        "xingzong",
        "行踪",
        "轨迹",
    ),
}

_PATTERN = re.compile(
    "|".join(
        f"(?P<g{index}>{'|'.join(re.escape(f) for f in fragments)})"
        for index, fragments in enumerate(_FRAGMENTS.values())
    ),
    re.IGNORECASE,
)
_CONCEPTS = tuple(_FRAGMENTS)


def forbidden_concept(*names: str) -> str | None:
    """The forbidden concept any of ``names`` refers to, or None."""
    for name in names:
        match = _PATTERN.search(name)
        if match and match.lastgroup:
            return _CONCEPTS[int(match.lastgroup[1:])]
    return None
