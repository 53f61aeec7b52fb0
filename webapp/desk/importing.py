"""What the import page tells the liaison it read from a release, and how sure it is."""

from __future__ import annotations

from typing import Any

from babel.lists import format_list
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.core.i18n import country_name, interface_locale

# How each thing was found: (words, sure). Sure: read from a fixed place of the release;
# otherwise a guess by rule, to check.
_PLACE = {
    "dateline": (_l("from the dateline"), True),
    "labelled": (_l("under the “Place” heading"), True),
    "first": (_l("named in the first paragraph"), False),
    "text": (_l("named further on in the text; check it"), False),
}
_PERSON = {
    "labelled": (_l("listed under the participants heading"), True),
    "first": (_l("named with a title in the first paragraph"), True),
    "text": (_l("named with a title further on in the text"), False),
    "caption": (_l("named in full only in a photo caption; check it"), False),
}
_PERSON_COUNTRY = {
    "named": (_l("country named with the title"), True),
    "title": (_l("country guessed from the title"), False),
}
_COUNTRY = {
    "participant": (_l("a participant's country"), True),
    "named": (_l("named in the headline or first paragraph"), False),
    "place": (_l("the country of the place"), False),
}
_MISSING = {
    "title": _l("title"),
    "meeting_date": _l("meeting date"),
    "location": _l("place"),
    "countries": _l("countries"),
    "participants": _l("participants"),
    "lede": _l("lede"),
}


def _how(table: dict[str, tuple[Any, bool]], key: str) -> dict[str, Any]:
    words, sure = table.get(key, ("", False))
    return {"how": str(words), "sure": sure}


def report(found: dict[str, Any], topic_names: dict[str, str]) -> dict[str, Any]:
    """The rows of the import page's "Recognised" list, each with how it was found."""
    rows: list[dict[str, Any]] = []
    if found["location"]:
        rows.append(
            {
                "field": _("Place"),
                "value": found["location"],
                **_how(_PLACE, found["location_found"]),
            }
        )
    for country in found["countries"]:
        rows.append(
            {
                "field": _("Country"),
                "value": f"{country_name(country['code'])} ({country['code']})",
                **_how(_COUNTRY, country["found"]),
            }
        )
    for person in found["participants"]:
        parts = [person["role"], country_name(person["country"]) if person["country"] else ""]
        value = person["name"]
        for part in filter(None, parts):
            value = _("%(first)s, %(second)s", first=value, second=part)
        how = _how(_PERSON, person["found"])
        if person["country_found"]:
            country_how = _how(_PERSON_COUNTRY, person["country_found"])
            how = {
                "how": _("%(first)s; %(second)s", first=how["how"], second=country_how["how"]),
                "sure": how["sure"] and country_how["sure"],
            }
        rows.append({"field": _("Participant"), "value": value, **how})
    for topic in found["topics"]:
        if topic["found"] == "name":
            how = _("its name “%(word)s” is in the text", word=topic["word"])
        else:
            how = _("the words “%(word)s” are in the text; check it", word=topic["word"])
        rows.append(
            {
                "field": _("Topic"),
                "value": topic_names.get(topic["slug"], topic["slug"]),
                "how": how,
                "sure": topic["found"] == "name",
            }
        )
    missing = [str(_MISSING[name]) for name in found["missing"]]
    return {
        "rows": rows,
        "missing": format_list(missing, locale=interface_locale()) if missing else "",
        "no_structure": found["no_structure"],
    }
