"""How the two FEC files in this folder were made from the public originals (see README.md).

The originals hold real people's and companies' names in their label fields.
This script replaces those fields with neutral text and leaves every amount,
account number, date, journal code and the files' byte layout (encoding,
separator, field padding, trailing separator, line endings) as they were, so
every figure of EXPECTED.md stays true:

* ``EcritureLib``: each distinct text becomes ``Libellé 0001``, ``Libellé 0002``…
  (equal texts stay equal, so the duplicate detection of ``kpi-xl import``
  sees the same rows);
* ``CompAuxLib``: each distinct text becomes ``Tiers 0001``…; ``CompAuxNum``
  codes made of letters (``FVIGNA``) become their first letter and a number
  (``F00001``); numeric codes stay;
* ``PieceRef``: each distinct reference becomes ``P0001``… (``RAN``, the
  opening entries' reference, stays);
* ``CompteLib``: balance-sheet accounts (classes 1 to 5: banks, loans,
  customers, suppliers) become ``Compte <number>``; income and expense
  accounts (classes 6 and 7) keep their generic labels, minus the few names
  they carry (listed in ``_NAMES``);
* ``JournalLib``: a bank's name becomes ``Banque``.

Run from a folder holding the originals::

    python tests/data/anonymise_fec.py ORIGINAL_DIR tests/data

It refuses to write a file in which any original third-party name is still found.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FILES = {  # name → (encoding, separator)
    "0000000001FEC20220831.txt": ("utf-8-sig", "\t"),
    "111111111FEC20221231.TXT": ("iso-8859-15", "|"),
}
_NAMES = [  # names found in the class 6 and 7 account labels
    (re.compile(r"\b(?:A|J|Jon)?\s*VIGNAUD\b"), "exploitant"),
    (re.compile(r"Peugeot Partner HJ\d+"), "véhicule utilitaire"),
    (re.compile(r"tracteur NOVA"), "tracteur"),
    (re.compile(r"\bSFR\b"), "Téléphone"),
]
_JOURNALS = {"CREDIT AGRICOLE": "Banque"}
_GENERIC = {"ASSURANCES", "CARBURANT", "DONS", "EMBALL"}
"""Third-party labels that are common words, found in the generic expense labels kept."""


class Renamer:
    """Distinct text → ``prefix`` and a number, by first appearance; blanks stay blank."""

    def __init__(self, pattern: str, keep: tuple[str, ...] = ()):
        self.pattern, self.keep, self.seen = pattern, keep, {}

    def __call__(self, text: str) -> str:
        if not text or text in self.keep:
            return text
        return self.seen.setdefault(text, self.pattern.format(len(self.seen) + 1))


def _fit(original: str, new: str) -> str:
    """``new`` padded like ``original`` (fixed-width files pad every field with spaces)."""
    if original != original.rstrip(" "):
        return new[:len(original)].ljust(len(original))
    return new


def anonymise(text: str, sep: str) -> tuple[str, set[str]]:
    """The file's text with neutral labels, and the original third-party names (for the leak check)."""
    lines = text.split("\n")
    header = lines[0].rstrip("\r").split(sep)
    col = {h.strip(): i for i, h in enumerate(header)}
    label, aux_label, piece = Renamer("Libellé {:04d}"), Renamer("Tiers {:04d}"), Renamer("P{:04d}", ("RAN",))
    aux_codes: dict[str, str] = {}
    names: set[str] = set()
    out = [lines[0]]
    for line in lines[1:]:
        end = "\r" if line.endswith("\r") else ""
        fields = line.rstrip("\r").split(sep)
        if len(fields) < len(header) - 1:
            out.append(line)
            continue

        def put(name: str, change) -> None:
            i = col[name]
            fields[i] = _fit(fields[i], change(fields[i].strip()))

        account = fields[col["CompteNum"]].strip()
        names.add(fields[col["CompAuxLib"]].strip())
        put("EcritureLib", label)
        put("CompAuxLib", aux_label)
        put("PieceRef", piece)
        put("CompAuxNum", lambda code: code if not re.search(r"[A-Za-z]", code) else aux_codes.setdefault(
            code, f"{code[0]}{len(aux_codes) + 1:05d}"))
        if account[:1] in "12345":
            put("CompteLib", lambda _: f"Compte {account}")
        else:
            def scrub(text: str) -> str:
                for pattern, word in _NAMES:
                    text = pattern.sub(word, text)
                return text
            put("CompteLib", scrub)
        put("JournalLib", lambda text: _JOURNALS.get(text, text))
        out.append(sep.join(fields) + end)
    return "\n".join(out), {n for n in names if len(n) >= 4}


def main(src: Path, dst: Path) -> None:
    for name, (encoding, sep) in FILES.items():
        text = (src / name).read_bytes().decode(encoding)
        new, names = anonymise(text, sep)
        left = sorted(n for n in names - _GENERIC if n.casefold() in new.casefold())
        if left:
            raise SystemExit(f"{name}: names still present: {left[:10]}")
        (dst / name).write_bytes(new.encode(encoding))
        print(f"wrote {dst / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
