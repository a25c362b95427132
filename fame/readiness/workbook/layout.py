"""Where things sit in a round's workbook: shared by the writer (``template``) and the
reader (``reading``), so the two cannot drift apart.

Each building block has a sheet. Row 1 names the block, row 2 says how to fill it in,
row 4 holds the column headings and the statements start on row 5, one row per
statement and respondent. The "About" sheet names the round and the bank version the
workbook was made for, so a workbook for another round or version is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

ABOUT = "About"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 5000
"""Rows read on one sheet at most: a bank has tens of statements, not thousands."""

DONT_KNOW = "Don't know"
SCORE_CHOICES = ("0", "1", "2", "3", "4", DONT_KNOW)


@dataclass(frozen=True)
class Column:
    letter: str
    heading: str
    width: int
    editable: bool = False
    wrap: bool = False


STATEMENT_ID = Column("A", "Statement id", 12)
DIMENSION = Column("B", "Dimension", 22, wrap=True)
CRITERION = Column("C", "Criterion", 18, wrap=True)
STATEMENT = Column("D", "Statement", 60, wrap=True)
RESPONDENT = Column("E", "Respondent (username)", 20)
SCORE = Column("F", "Score", 12, editable=True)
EVIDENCE = Column("G", "Evidence", 50, editable=True, wrap=True)
LINK = Column("H", "Link to evidence", 36, editable=True, wrap=True)
LEVELS = tuple(
    Column(chr(ord("I") + n), f"What level {n} looks like", 32, wrap=True) for n in range(5)
)
ANSWERED = (STATEMENT_ID, DIMENSION, CRITERION, STATEMENT, RESPONDENT, SCORE, EVIDENCE, LINK)
"""The columns read back; the levels' columns are there to read, and are not checked."""
COLUMNS = (*ANSWERED, *LEVELS)

# The "About" sheet: a label in column A, its value in column B.
ROUND_LABEL = "Round number"
BANK_LABEL = "Statement bank"
VERSION_LABEL = "Bank version"
FINGERPRINT_LABEL = "Bank fingerprint"
FINGERPRINT_LENGTH = 16
FORBIDDEN_IN_TITLES = set("[]:*?/\\")
SMALL_WORDS = {"and", "or", "of", "the", "for", "in"}


def sheet_title(block_name: str) -> str:
    """A block's sheet title: its name, cut at a word to Excel's 31 characters."""
    name = "".join(c for c in block_name if c not in FORBIDDEN_IN_TITLES).strip()
    if len(name) <= 31:
        return name
    words = name[:32].split(" ")[:-1] or [name[:31]]
    while len(words) > 1 and words[-1].lower() in SMALL_WORDS:
        words.pop()
    return " ".join(words).rstrip(" ,;-")
