"""sitrep: conflict news → structured, sourced, geolocated data (schema `sitrep/1`)."""
__version__ = "0.1.0"
