"""The ad platforms' exports: which header fills which `Ads` column.

Headers are compared after :func:`~.text.normalise_header` (case, accents,
apostrophes and spacing ignored) and matched as whole regular expressions; a
``(?P<cur>…)`` group reads a currency written in the header, as Meta does
(``Amount spent (AUD)``).  Each pattern says its language, which decides how
the file writes numbers (French: decimal comma) and numeric dates (French:
day first).

The README's "Import formats" section documents these tables; keep them in
step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Field names: the Ads columns they fill, and what a row is dated by.
#   day      the day of the row (a daily breakdown)
#   starts   the first day a row covers (a row without a daily breakdown); ends: the last
#   currency a column holding the currency code of each row
#   results  Meta's mixed Results column (only named in notes: never read)
#   conversions  Google's and TikTok's conversions (only named in notes: never read)
FIELDS = ("campaign", "day", "starts", "ends", "impressions", "clicks", "spend", "leads", "customers",
          "revenue", "currency", "results", "conversions")

Pattern = tuple[str, str | None]  # (regular expression on the normalised header, "en" / "fr" / None)

_CUR = r"(?: \((?P<cur>[a-z]{3})\))?"
_ANY_CUR = r"(?: \([a-z]{3}\))?"  # the same, in signatures (no group)


@dataclass(frozen=True)
class Platform:
    """One ad platform's export: how to recognise it and where each `Ads` column comes from."""

    name: str  # as messages name the format
    channel: str  # the `Ads` Channel its rows get
    fields: dict[str, tuple[Pattern, ...]]
    signatures: tuple[tuple[str, ...], ...]  # any one: every regex of it matches some header
    leads_note: str  # why Leads stay blank when the export has no leads column
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    def _re(self, pattern: str) -> re.Pattern:
        if pattern not in self._compiled:
            self._compiled[pattern] = re.compile(pattern)
        return self._compiled[pattern]

    def recognises(self, headers: list[str]) -> bool:
        """Whether these normalised headers are this platform's."""
        return any(all(any(self._re(p).fullmatch(h) for h in headers) for p in signature)
                   for signature in self.signatures)

    def locate(self, headers: list[str]) -> tuple[dict[str, int], dict[str, str], str]:
        """(field → column index, field → currency found in its header, language) for normalised headers.

        The first matching column wins (Meta writes "Ad set name" twice).
        """
        columns: dict[str, int] = {}
        currencies: dict[str, str] = {}
        votes = {"en": 0, "fr": 0}
        for name, patterns in self.fields.items():
            for i, header in enumerate(headers):
                hit = next(((m, lang) for p, lang in patterns if (m := self._re(p).fullmatch(header))), None)
                if hit:
                    m, lang = hit
                    columns[name] = i
                    if m.groupdict().get("cur"):
                        currencies[name] = m["cur"].upper()
                    if lang:
                        votes[lang] += 1
                    break
        return columns, currencies, "French" if votes["fr"] > votes["en"] else "English"


GOOGLE = Platform(
    name="Google Ads campaign report",
    channel="Google",
    fields={
        "campaign": (("campaign", "en"), ("campagne", "fr")),
        "day": (("day|date", "en"), ("jour", "fr")),
        "impressions": (("impr\\.?|impressions", None),),
        "clicks": (("clicks", "en"), ("clics", "fr")),
        "spend": (("cost" + _CUR, "en"), ("cout" + _CUR, "fr")),
        "currency": (("currency code|currency", "en"), ("code de la devise|devise", "fr")),
        "conversions": (("conversions", "en"), ("conversions", "fr")),
    },
    signatures=(("campaign|campagne", "cost|cout", "impr\\.?"),
                ("campaign|campagne", "cost|cout", "currency code|code de la devise")),
    leads_note="a Google Ads report counts conversions of every kind (Conversions), never leads alone",
)

META = Platform(
    name="Meta Ads Manager export",
    channel="Meta",
    fields={
        "campaign": (("campaign name", "en"), ("nom de la campagne", "fr")),
        "day": (("day", "en"), ("jour", "fr")),
        "starts": (("reporting starts", "en"), ("debut des rapports", "fr")),
        "ends": (("reporting ends", "en"), ("fin des rapports", "fr")),
        "impressions": (("impressions", None),),
        "clicks": (("link clicks", "en"), ("clics sur un lien", "fr")),
        "spend": (("amount spent" + _CUR, "en"), ("montant depense" + _CUR, "fr")),
        "leads": (("leads", "en"), ("prospects", "fr")),
        "customers": (("purchases", "en"), ("achats", "fr")),
        "revenue": (("purchases conversion value", "en"), ("valeur de conversion des achats", "fr")),
        "currency": (("currency", "en"), ("devise", "fr")),
        "results": (("results", "en"), ("resultats", "fr")),
    },
    signatures=(("amount spent" + _ANY_CUR + "|montant depense" + _ANY_CUR,),),
    leads_note="the export has no Leads column, and its Results column mixes kinds of results "
               "(never read as leads)",
)

LINKEDIN = Platform(
    name="LinkedIn Campaign Manager export",
    channel="LinkedIn",
    fields={
        "campaign": (("campaign name", "en"), ("nom de la campagne", "fr")),
        "starts": (("start date \\(in utc\\)", "en"), ("date de debut \\(en utc\\)", "fr")),
        "ends": (("end date \\(in utc\\)", "en"), ("date de fin \\(en utc\\)", "fr")),
        "impressions": (("impressions", None),),
        "clicks": (("clicks", "en"), ("clics", "fr")),
        "spend": (("total spent" + _CUR, "en"), ("(?:montant )?total depense" + _CUR, "fr")),
        "leads": (("leads", "en"), ("prospects", "fr")),
        "currency": (("currency", "en"), ("devise", "fr")),
    },
    signatures=(("total spent" + _ANY_CUR,), ("start date \\(in utc\\)",), ("date de debut \\(en utc\\)",),
                ("(?:montant )?total depense" + _ANY_CUR,)),
    leads_note="the export has no Leads column",
)

TIKTOK = Platform(
    name="TikTok Ads export",
    channel="TikTok",
    fields={
        "campaign": (("campaign name", "en"), ("nom de la campagne", "fr")),
        "day": (("by day|date|day|stat time", "en"), ("par jour|jour", "fr")),
        "impressions": (("impressions", None),),
        "clicks": (("clicks \\(destination\\)", "en"), ("clics \\(destination\\)", "fr")),
        "spend": (("cost" + _CUR, "en"), ("cout" + _CUR, "fr")),
        "leads": (("leads", "en"), ("prospects", "fr")),
        "currency": (("currency", "en"), ("devise", "fr")),
        "conversions": (("conversions", "en"), ("conversions", "fr")),
    },
    signatures=(("clicks \\(destination\\)|clics \\(destination\\)",),
                ("by day|par jour", "cost" + _ANY_CUR + "|cout" + _ANY_CUR)),
    leads_note="TikTok's Conversions count whichever event each ad group optimises for, never leads alone",
)

PLATFORMS = (META, LINKEDIN, TIKTOK, GOOGLE)
"""In the order they are tried (each signature is specific to its platform)."""
