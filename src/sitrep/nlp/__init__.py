"""The spaCy layer: one `Language` per process with sitrep's components registered by name."""
from .pipeline import load_pipeline

__all__ = ["load_pipeline"]
