"""The store's exception: the CLI prints it as one line, the API as a 4xx."""
from __future__ import annotations

from ..errors import SitrepError


class StoreError(SitrepError):
    """A store that cannot be opened, a filter that does not apply, or a correction naming nothing."""
