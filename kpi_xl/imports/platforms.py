"""The ad platforms' exports: how each is recognised and which header fills which `Ads` column.

Headers are compared after :func:`~.text.normalise_header` (case, accents,
apostrophes and spacing ignored) and matched as whole regular expressions; a
``(?P<cur>…)`` group reads a currency written in the header, as Meta does
(``Amount spent (AUD)``).  Each pattern says its language, which decides how
the file writes numbers (French: decimal comma) and numeric dates (French:
day first).

Field names (the keys of :attr:`Platform.fields`):

===============  ==============================================================
campaign         the campaign's name (`Ads` Campaign)
group            the ad set / ad group: names the line when there is no campaign
ad, breakdown    what else a line is about (Meta's summary row has all blank);
location, device Google's ad, location and device reports are named by them
day              the day of the line (a daily breakdown)
starts, ends     the first and last day a line covers (no daily breakdown)
impressions …    the numbers: impressions, clicks, spend, leads, customers, revenue
currency         a column holding each line's currency code
keyword,         a keyword or search-terms report (which leaves out spend
search_term      without keywords: the self-check says so)
results,         columns never read, named in notes: Meta's mixed Results,
conversions      Google's, TikTok's and Microsoft's conversions of every kind
===============  ==============================================================

``docs/imports.md`` documents these tables; keep them in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..texts import Message

Pattern = tuple[str, str | None]  # (regular expression on the normalised header, "en" / "fr" / None)

_CUR = r"(?: \((?P<cur>[a-z]{3})\))?"
_ANY_CUR = r"(?: \([a-z]{3}\))?"  # the same, in signatures (no group)


@dataclass(frozen=True)
class Located:
    """Where a platform's fields are in one header."""

    columns: dict[str, int]  # field → 0-based column
    currencies: dict[str, str]  # field → currency written in its header
    language: str  # "English" or "French"

    @property
    def french(self) -> bool:
        return self.language == "French"


@dataclass(frozen=True)
class Platform:
    """One ad platform's exports: how to recognise them and where each `Ads` column comes from."""

    name: str  # as messages name the platform's exports (a Message: said in the reader's language)
    channel: str  # the `Ads` Channel its rows get
    fields: dict[str, tuple[Pattern, ...]]
    signatures: tuple[tuple[str, ...], ...]  # any one: every regex of it matches some header
    leads_note: str  # why Leads stay blank when the export has no leads column (a Message)
    group_label: str  # what the platform calls the `group` field ("ad set"; a Message, English in a Campaign cell)
    spend_header: str  # the spend column as the platform names it
    spend_advice: str  # what to download when an export lacks it (a Message)
    markers: tuple[str, ...] = ()  # headers typical of the platform: two of them make a look-alike
    report_names: tuple[tuple[str, str], ...] = ()  # (field present, the export's name), first match wins
    dimensions: tuple[str, ...] = ()  # fields all blank on a summary row (Meta's "Include summary row")
    _compiled: dict = field(default_factory=dict, compare=False, repr=False)

    def _re(self, pattern: str) -> re.Pattern:
        if pattern not in self._compiled:
            self._compiled[pattern] = re.compile(pattern)
        return self._compiled[pattern]

    def recognises(self, headers: list[str]) -> bool:
        """Whether these normalised headers are this platform's."""
        return any(all(any(self._re(p).fullmatch(h) for h in headers) for p in signature)
                   for signature in self.signatures)

    def resemblance(self, headers: list[str]) -> list[int]:
        """The columns whose normalised headers are typical of this platform (to name a look-alike export)."""
        return [i for i, h in enumerate(headers) if any(self._re(m).fullmatch(h) for m in self.markers)]

    def locate(self, headers: list[str]) -> Located:
        """Where each field is in these normalised headers, their currencies and the export's language.

        The first matching column wins (Meta writes "Ad set name" twice).
        """
        columns: dict[str, int] = {}
        currencies: dict[str, str] = {}
        votes = {"en": 0, "fr": 0}
        for name, patterns in self.fields.items():
            hit = self._first(headers, patterns)
            if hit is None:
                continue
            i, m, lang = hit
            columns[name] = i
            if m.groupdict().get("cur"):
                currencies[name] = m["cur"].upper()
            if lang:
                votes[lang] += 1
        return Located(columns, currencies, "French" if votes["fr"] > votes["en"] else "English")

    def _first(self, headers: list[str], patterns: tuple[Pattern, ...]):
        for i, header in enumerate(headers):
            for p, lang in patterns:
                m = self._re(p).fullmatch(header)
                if m:
                    return i, m, lang
        return None

    def report_name(self, columns: dict[str, int]) -> str:
        """What this export is, from the fields it has: "Google Ads keyword report"."""
        return next((name for f, name in self.report_names if f in columns), self.name)


_GOOGLE_MARKERS = (
    "campaign", "campagne", "ad group", "groupe d'annonces", "keyword", "mot cle", "search term", "terme de recherche",
    "match type", "type de correspondance", "impr\\.", "currency code", "code de la devise", "avg\\. cpc", "cpc moy\\.",
    "interactions", "interaction rate", "conv\\. rate", "cost / conv\\.", "campaign type", "type de campagne",
    "campaign status", "etat de la campagne", "optimi[sz]ation score", "added/excluded", "keyword status",
    "search impr\\. share", "bid strategy type",
)

GOOGLE = Platform(
    name=Message("format.google"),
    channel="Google",
    fields={
        "campaign": (("campaign", "en"), ("campagne", "fr")),
        "group": (("ad group|asset group", "en"), ("groupe d'annonces|groupe d'assets|groupe de composants", "fr")),
        "day": (("day|date", "en"), ("jour", "fr")),
        "impressions": (("impr\\.?|impressions", None),),
        "clicks": (("clicks", "en"), ("clics", "fr")),
        "spend": (("cost" + _CUR, "en"), ("cout" + _CUR, "fr")),
        "currency": (("currency code|currency", "en"), ("code de la devise|devise", "fr")),
        "conversions": (("conversions", None),),
        "keyword": (("keyword|search keyword", "en"), ("mot cle|mot cle de recherche", "fr")),
        "search_term": (("search term", "en"), ("terme de recherche", "fr")),
        # only to name the report
        "ad": (("ad", "en"), ("annonce", "fr")),
        "location": (("location|matched location|user location", "en"),
                     ("zone geographique|zone geographique correspondante", "fr")),
        "device": (("device", "en"), ("appareil", "fr")),
    },
    signatures=(
        # every report with a campaign column: campaign, ad group, keyword, search terms, device, location…
        ("campaign|campagne", "cost" + _ANY_CUR + "|cout" + _ANY_CUR,
         "impr\\.?|impressions|currency code|code de la devise|clicks|clics"),
        # reports without one (Performance Max search terms)
        ("cost|cout", "currency code|code de la devise", "impr\\.?|clicks|clics"),
        # the overview chart's download (Date, Clicks, Impressions, Avg. CPC, Cost)
        ("cost|cout", "impr\\.?|impressions", "avg\\. cpc|cpc moy\\.", "date|day|jour"),
    ),
    leads_note=Message("platform.leads.google"),
    group_label=Message("platform.group.ad_group"),
    spend_header="Cost",
    spend_advice=Message("platform.advice.google"),
    markers=_GOOGLE_MARKERS,
    report_names=(("search_term", Message("format.google.search_terms")),
                  ("keyword", Message("format.google.keyword")), ("ad", Message("format.google.ad")),
                  ("group", Message("format.google.ad_group")), ("location", Message("format.google.location")),
                  ("device", Message("format.google.device")), ("campaign", Message("format.google.campaign")),
                  ("day", Message("format.google.chart"))),
)

META = Platform(
    name=Message("format.meta"),
    channel="Meta",
    fields={
        "campaign": (("campaign name", "en"), ("nom de la campagne", "fr")),
        "group": (("ad set name", "en"), ("nom de l'ensemble de publicites", "fr")),
        "ad": (("ad name", "en"), ("nom de la publicite", "fr")),
        "breakdown": (("age|gender|country|region|dma region|platform|placement|device platform|impression device",
                       None),
                      ("sexe|pays|plateforme|plateforme de l'appareil|appareil d'impression", "fr")),
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
    leads_note=Message("platform.leads.meta"),
    group_label=Message("platform.group.ad_set"),
    spend_header="Amount spent",
    spend_advice=Message("platform.advice.meta"),
    markers=("reporting starts", "reporting ends", "campaign name", "ad set name", "ad name", "reach", "frequency",
             "thruplays", "results", "result type", "result indicator", "cost per results?", "delivery status",
             "delivery level", "attribution setting", "link clicks", "debut des rapports", "fin des rapports",
             "nom de la campagne", "nom de l'ensemble de publicites", "couverture", "repetition", "resultats",
             "indicateur de resultats", "cout par resultat", "age", "gender", "sexe"),
    dimensions=("campaign", "group", "ad", "breakdown", "day"),
)

LINKEDIN = Platform(
    name=Message("format.linkedin"),
    channel="LinkedIn",
    fields={
        "campaign": (("campaign name", "en"), ("nom de la campagne", "fr")),
        "group": (("campaign group name", "en"), ("nom du groupe de campagnes", "fr")),
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
    leads_note=Message("platform.leads.linkedin"),
    group_label=Message("platform.group.campaign_group"),
    spend_header="Total Spent",
    spend_advice=Message("platform.advice.linkedin"),
    markers=("campaign group name", "start date \\(in utc\\)", "end date \\(in utc\\)", "total spent" + _ANY_CUR,
             "campaign type", "account name", "average cpm", "average cpc"),
)

TIKTOK = Platform(
    name=Message("format.tiktok"),
    channel="TikTok",
    fields={
        "campaign": (("campaign name", "en"), ("nom de la campagne", "fr")),
        "group": (("ad group name", "en"), ("nom du groupe d'annonces", "fr")),
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
    leads_note=Message("platform.leads.tiktok"),
    group_label=Message("platform.group.ad_group"),
    spend_header="Cost",
    spend_advice=Message("platform.advice.tiktok"),
    markers=("ad group name", "clicks \\(destination\\)", "ctr \\(destination\\)", "by day", "stat time",
             "cost per conversion"),
)

MICROSOFT = Platform(
    name=Message("format.microsoft"),
    channel="Microsoft",
    fields={
        "campaign": (("campaign|campaign name", "en"), ("campagne|nom de la campagne", "fr")),
        "group": (("ad group|ad group name", "en"), ("groupe d'annonces|nom du groupe d'annonces", "fr")),
        "day": (("gregorian date|day|time period", "en"), ("date", None), ("date gregorienne|jour|periode", "fr")),
        "impressions": (("impr\\.?|impressions", None),),
        "clicks": (("clicks", "en"), ("clics", "fr")),
        "spend": (("spend", "en"), ("depenses?", "fr")),
        "currency": (("currency code|currency", "en"), ("code de (?:la )?devise|code devise|devise", "fr")),
        "conversions": (("conv\\.|conversions", None),),
        "keyword": (("keyword", "en"), ("mot cle", "fr")),
        "search_term": (("search term|search query", "en"), ("terme de recherche|requete de recherche", "fr")),
    },
    signatures=(("spend|depenses?", "impr\\.?|impressions"),),
    leads_note=Message("platform.leads.microsoft"),
    group_label=Message("platform.group.ad_group"),
    spend_header="Spend",
    spend_advice=Message("platform.advice.microsoft"),
    markers=("gregorian date", "ad distribution", "spend", "depenses?", "impr\\.", "campaign name", "account name",
             "conv\\.", "time period", "avg\\. cpc"),
    report_names=(("search_term", Message("format.microsoft.search_terms")),
                  ("keyword", Message("format.microsoft.keyword")),
                  ("campaign", Message("format.microsoft.campaign"))),
)

PLATFORMS = (META, LINKEDIN, TIKTOK, MICROSOFT, GOOGLE)
"""In the order they are tried (each signature is specific to its platform)."""


def look_alike(headers: list[str]) -> tuple[Platform, list[int]] | None:
    """The platform these normalised headers resemble most (two typical headers at least, and more than any other).

    A file refused as no known format is still worth naming: a Google report
    without its Cost column, a Meta breakdown without Amount spent.
    """
    scores = sorted(((len(found), i, p, found) for i, p in enumerate(PLATFORMS)
                     if len(found := p.resemblance(headers)) >= 2), key=lambda s: (-s[0], s[1]))
    if not scores or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return None
    return scores[0][2], scores[0][3]
