"""Locate the seed fixture, its metadata, its gold and the scorer in a shared/ folder."""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import SitrepError

SEED = "sirte-2016-10-13"


def seed_paths(shared: Path) -> tuple[Path, dict, Path, Path]:
    text = shared / "fixtures" / f"{SEED}.txt"
    meta = shared / "fixtures" / f"{SEED}.meta.json"
    gold = shared / "gold" / f"{SEED}.gold.json"
    scorer = shared / "tools" / "score.py"
    missing = [str(p) for p in (text, gold, scorer) if not p.exists()]
    if missing:
        raise SitrepError(f"shared folder incomplete, missing: {', '.join(missing)}")
    return text, json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}, gold, scorer
