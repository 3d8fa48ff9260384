"""The JSON contract: {"schema_version": 1, "tool": {...}, "reports": [...]}."""
from __future__ import annotations

import json


def render(output, **options) -> str:
    data = output.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
