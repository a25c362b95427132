"""Identity matching for the Child Index: which agency records are the same child.

A Fellegi-Sunter model trained with Splink 5 (DuckDB) on a region's records,
with no truth file, as in real life:

- ``train_model`` / ``fame link train``: train the model; ``save_model`` and
  ``load_model`` keep it as Splink JSON with FAME's thresholds and tf tables.
- ``RuntimeScorer``: the hub's per-record scorer, pure Python, giving the same
  match weight as Splink and explaining it comparison by comparison.
- ``blocking_keys``: the short keys the hub indexes to fetch candidates.
- ``link_records`` / ``fame link bulk``: link whole files of records into persons.
- ``pairwise_accuracy`` / ``fame link evaluate``: measure a linkage against the truth.
- ``load_mapping`` / ``--mapping``: read files of other layouts (FEBRL, ...) as agency records.
- ``records_table``, ``register_term_frequencies``, ``quiet_splink``: a Splink linker on the
  same records and term frequencies as the model, for peers that run Splink beside FAME.

See docs/adr/0006-identity-matching.md for the choices and the measured accuracy.
"""

from ._blocking import KEY_KINDS, blocking_keys
from ._bulk import LinkResult, link_records, write_links
from ._comparisons import COMPARISONS
from ._evaluation import PairwiseAccuracy, pairwise_accuracy, read_truth
from ._files import read_record_file, read_record_files, record_files
from ._layouts import ColumnMapping, MappingError, load_mapping, read_mapped_records
from ._model import (
    DEFAULT_MODEL,
    LinkageModel,
    ModelError,
    load_model,
    model_path,
    save_model,
)
from ._normalise import LinkageRecord
from ._scorer import FieldScore, RuntimeScorer, Score
from ._splink import quiet_splink, records_table, register_term_frequencies
from ._training import train_model

__all__ = [
    "COMPARISONS",
    "DEFAULT_MODEL",
    "KEY_KINDS",
    "ColumnMapping",
    "FieldScore",
    "LinkResult",
    "LinkageModel",
    "LinkageRecord",
    "MappingError",
    "ModelError",
    "PairwiseAccuracy",
    "RuntimeScorer",
    "Score",
    "blocking_keys",
    "link_records",
    "load_mapping",
    "load_model",
    "model_path",
    "pairwise_accuracy",
    "quiet_splink",
    "read_mapped_records",
    "read_record_file",
    "read_record_files",
    "read_truth",
    "record_files",
    "records_table",
    "register_term_frequencies",
    "save_model",
    "train_model",
    "write_links",
]
