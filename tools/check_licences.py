"""Check that every run-time Python dependency may be used by an MIT-licensed project.

    .venv/bin/python tools/check_licences.py [--requirements requirements.txt]

The run-time dependencies are requirements.txt and everything they need in
turn (read from the installed packages' metadata, extras and markers
included); test and lint tools are not among them. pip-licenses reads each
package's declared licence. A package passes when one of its licences (a
choice, "A OR B" or one of several classifiers) is made of licences in
``ALLOWED`` alone, or when it is one of the reviewed ``EXCEPTIONS``, which
names the licence FAME takes it under and why. A GPL or AGPL licence never
passes, not even as an exception: such a package may never be a run-time
dependency (docs/adr/0017-licence-and-dependency-licences.md). Exits 1 with a
line for each package that fails.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

ALLOWED = frozenset(
    {
        "0BSD",
        "Apache-2.0",
        "BSD",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "CC0-1.0",
        "HPND",
        "ISC",
        "MIT",
        "MIT-0",
        "MIT-CMU",
        "PSF-2.0",
        "Python-2.0",
        "Unlicense",
        "ZPL-2.1",
        "Zlib",
    }
)
"""Permissive licences: a package under them may be used and shipped with MIT code."""


@dataclass(frozen=True)
class Reviewed:
    licence: str  # the choice FAME takes the package under, as pip-licenses says it
    reason: str


EXCEPTIONS: Mapping[str, Reviewed] = {
    "cedarpy": Reviewed(
        "Apache-2.0",
        "declares no licence in its metadata; the LICENSE file it ships is Apache 2.0",
    ),
    "certifi": Reviewed(
        "MPL-2.0",
        "MPL 2.0 is copyleft for its own files only; FAME uses the CA bundle unmodified",
    ),
    "tqdm": Reviewed(
        "MPL-2.0 AND MIT",
        "MPL 2.0 (its own files) and MIT; used unmodified, so FAME's code stays MIT",
    ),
    "pyphen": Reviewed(
        "MPL-1.1",
        "tri-licensed GPL 2.0+, LGPL 2.1+ or MPL 1.1 (WeasyPrint's hyphenation); FAME takes it "
        "under MPL 1.1, copyleft for its own files only, used unmodified",
    ),
    "psycopg": Reviewed(
        "LGPL-3.0-only",
        "LGPL 3.0: a library FAME calls, installed on its own and unmodified, which the LGPL "
        "allows MIT code to use",
    ),
    "psycopg-binary": Reviewed(
        "LGPL-3.0-only",
        "psycopg's compiled part, under the same LGPL 3.0 terms as psycopg",
    ),
}

_NAMES = {
    "apache software license": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "bsd license": "BSD",
    "isc license (iscl)": "ISC",
    "mit license": "MIT",
    "python software foundation license": "PSF-2.0",
    "the unlicense (unlicense)": "Unlicense",
    "zope public license": "ZPL-2.1",
    "mozilla public license 1.1 (mpl 1.1)": "MPL-1.1",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
    "gnu lesser general public license v2 or later (lgplv2+)": "LGPL-2.1-or-later",
    "gnu lesser general public license v3 (lgplv3)": "LGPL-3.0-only",
    "gnu lesser general public license v3 or later (lgplv3+)": "LGPL-3.0-or-later",
    "gnu general public license (gpl)": "GPL",
    "gnu general public license v2 (gplv2)": "GPL-2.0-only",
    "gnu general public license v2 or later (gplv2+)": "GPL-2.0-or-later",
    "gnu general public license v3 (gplv3)": "GPL-3.0-only",
    "gnu general public license v3 or later (gplv3+)": "GPL-3.0-or-later",
    "gnu affero general public license v3": "AGPL-3.0-only",
    "gnu affero general public license v3 or later (agplv3+)": "AGPL-3.0-or-later",
}
_EVIDENCE = {"Apache-2.0": "Apache License", "MIT": "Permission is hereby granted"}
"""What a licence file says, for a package that declares no licence."""

_STRONG_COPYLEFT = re.compile(
    r"\bA?GPL|affero|(?<!lesser )(?<!library )general public license", re.IGNORECASE
)


def choices(declared: str) -> list[frozenset[str]]:
    """The licences a package may be taken under, each a set of licences that apply together.

    ``declared`` is a licence expression ("Apache-2.0 OR BSD-3-Clause", "MPL-2.0 AND
    MIT") or licence classifiers joined by ";" (each a choice), as pip-licenses says it.
    """
    found = []
    for part in declared.split(";"):
        part = part.strip()
        if part.lower() in _NAMES:
            found.append(frozenset({_NAMES[part.lower()]}))
            continue
        for option in re.split(r" OR ", part.replace("(", " ").replace(")", " ")):
            terms = [term.strip() for term in re.split(r" AND ", option) if term.strip()]
            if terms:
                found.append(frozenset(_NAMES.get(term.lower(), term) for term in terms))
    return found


def strong_copyleft(licence: str) -> bool:
    """GPL or AGPL (any version), but not the LGPL."""
    return not licence.upper().startswith("LGPL") and bool(_STRONG_COPYLEFT.search(licence))


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    licence: str  # as pip-licenses reads it: an expression, classifiers joined by ";", UNKNOWN
    text: str = ""  # its licence file


def problems(packages: Iterable[Package], exceptions: Mapping[str, Reviewed]) -> list[str]:
    """A line for each package that may not be a run-time dependency of MIT code."""
    found = []
    for package in packages:
        options = choices(package.licence)
        where = f"{package.name} {package.version} ({package.licence})"
        reviewed = exceptions.get(canonicalize_name(package.name))
        if any(option <= ALLOWED for option in options):
            continue
        if reviewed is None:
            if options and all(any(map(strong_copyleft, option)) for option in options):
                found.append(f"{where}: GPL or AGPL code may never be a run-time dependency")
            else:
                found.append(f"{where}: not a licence on the allow-list; review it")
            continue
        taken = choices(reviewed.licence)[0]
        if any(strong_copyleft(licence) for licence in taken):
            found.append(f"{where}: GPL or AGPL code may never be a run-time dependency")
        elif package.licence == "UNKNOWN":
            evidence = [_EVIDENCE.get(licence, licence) for licence in taken]
            if not all(words in package.text for words in evidence):
                found.append(f"{where}: its licence file is not {reviewed.licence}; review it")
        elif taken not in options:
            found.append(f"{where}: is not offered under {reviewed.licence}; review it")
    return found


def runtime_packages(requirements: Path) -> list[str]:
    """The requirements and, in turn, every package they need (markers and extras applied)."""
    waiting = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            waiting.append(Requirement(line))
    extras: dict[str, set[str]] = {}
    while waiting:
        requirement = waiting.pop()
        name = canonicalize_name(requirement.name)
        if name in extras and set(requirement.extras) <= extras[name]:
            continue
        wanted = extras.setdefault(name, set())
        wanted |= set(requirement.extras)
        for text in metadata.distribution(name).requires or []:
            needed = Requirement(text)
            environments = [{"extra": extra} for extra in wanted or {""}]
            if needed.marker is None or any(needed.marker.evaluate(e) for e in environments):
                waiting.append(needed)
    return sorted(extras)


def declared_licences(names: list[str]) -> list[Package]:
    """Each package's licence and licence file, as pip-licenses reads them."""
    command = [
        sys.executable, "-m", "piplicenses", "--from", "mixed", "--format", "json",
        "--with-license-file", "--no-license-path", "--packages", *names,
    ]  # fmt: skip
    # Our own interpreter and a fixed command; the names come from installed metadata.
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return [
        Package(item["Name"], item["Version"], item["License"], item.get("LicenseText", ""))
        for item in json.loads(output)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.txt")
    args = parser.parse_args(argv)
    names = runtime_packages(args.requirements)
    packages = declared_licences(names)
    missing = set(names) - {canonicalize_name(p.name) for p in packages}
    found = problems(packages, EXCEPTIONS)
    found += [f"{name}: not installed, so its licence cannot be read" for name in sorted(missing)]
    for line in found:
        print(f"Licence check: {line}", file=sys.stderr)
    if found:
        return 1
    print(
        f"Run-time Python licences: {len(packages)} packages, all usable under MIT "
        f"({len(EXCEPTIONS)} reviewed exceptions in tools/check_licences.py)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
