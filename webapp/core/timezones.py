"""IANA time zones: which names are real, the list a person picks from, and a zone's short name.

Staff pages show times in each person's zone (Washington and Tokyo share the desk); the database
keeps UTC. zoneinfo is the one authority on names, so a zone the system knows is a zone we accept.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache
from typing import TypeGuard
from zoneinfo import available_timezones

from babel import Locale
from babel.dates import get_timezone_gmt

MAX_ZONE = 64  # the column's size
# The desk's two capitals first, then the other cities staff travel between, so the select box
# opens on what most people pick.
COMMON_ZONES = (
    "America/New_York",
    "Asia/Tokyo",
    "UTC",
    "America/Los_Angeles",
    "America/Chicago",
    "Europe/London",
    "Asia/Seoul",
)


@lru_cache(maxsize=1)
def all_zones() -> frozenset[str]:
    """Every zone name the system's tz database knows (read once: it scans the disk)."""
    return frozenset(available_timezones())


def is_zone(name: object) -> TypeGuard[str]:
    """True for an IANA zone name the system knows (Asia/Tokyo), False for anything else:
    `available_timezones` lists only names zoneinfo can load."""
    return isinstance(name, str) and 0 < len(name) <= MAX_ZONE and name in all_zones()


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    """The common zones first, then every other, sorted (for a select box)."""
    common = [zone for zone in COMMON_ZONES if zone in all_zones()]
    return common + sorted(all_zones() - set(common))


def zone_abbreviation(moment: datetime, zone: tzinfo, locale: Locale | str) -> str:
    """The zone's short name at that moment: JST, EST or EDT (from the tz database), or the
    offset in the locale's words (GMT+4) where the database has only digits (+04)."""
    local = moment.astimezone(zone)
    name = local.tzname() or ""
    if name[:1].isalpha():
        return name
    return get_timezone_gmt(local, width="short", locale=locale)
