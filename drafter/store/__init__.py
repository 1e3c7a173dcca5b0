"""The store: past forms as Chroma documents, searchable offline.

One document per indicator and one per project (:mod:`.documents`), embedded by a versioned
embedder (:mod:`.embedders`) into a collection named after it (:mod:`.client`), kept in sync by
:mod:`.ingest` and queried by :mod:`.search`. Nothing here imports chromadb at module level
except the modules that need it, and the CLI imports those inside its commands, so that
``drafter --help`` stays fast.
"""

from __future__ import annotations


class StoreError(Exception):
    """A store problem the user can act on; the CLI prints it as one line and exits 2."""
