"""The JSON contract: {"schema_version": 1, "tool": {...}, "reports": [...]}."""
from __future__ import annotations


def render(output, **options) -> str:
    # pydantic's serializer writes the same text as json.dumps(model_dump(mode="json"), ensure_ascii=False,
    # indent=2) did, six times faster (the standard library's indenting encoder is pure Python: 20 ms of a 7-page
    # check), except for floats under 1e-4 (0.000061, not 6.1e-05: the same number) and non-finite ones (null, not
    # NaN, which is not JSON)
    return output.model_dump_json(indent=2) + "\n"
