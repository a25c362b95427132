"""The Benefits Calculator: what joining up costs, what it saves, and who pays and gains.

- ``model.py`` reads a model's JSON (partners, years, costs, benefits) into frozen
  dataclasses, refusing a bad one with every problem by its JSON path;
- ``sharing.py`` shares an amount between partners by a rule (equal, population,
  practitioners, usage, custom), the parts adding up exactly to the whole;
- ``calculate.py`` the HM Treasury Green Book arithmetic: optimism bias, discounting,
  NPV, BCR, payback, and each partner's position;
- ``sensitivity.py`` the tornado (each assumption moved 20% either way);
- ``montecarlo.py`` P10, P50 and P90 of the NPV over ranges the user gives;
- ``defaults.toml`` / ``defaults.py`` every default a new model starts from, each with its
  unit and source;
- ``figures.py`` figures from elsewhere in FAME: hours saved and activity from a
  Demonstrator comparison, and the live system's use per quarter and partner.

It needs no database: ``fame benefits calculate | sensitivity | montecarlo``.
See docs/adr/0033-benefits-green-book-arithmetic.md.
"""

from .calculate import Result, as_json, calculate
from .model import Model, ModelError, read_model

__all__ = ["Model", "ModelError", "Result", "as_json", "calculate", "read_model"]
