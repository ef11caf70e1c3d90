"""Region codes moved to ``chainwarden.regions`` (the foundation layer); this name stays for
``registry.public`` and ``accounts.service`` until they import it from there."""

from chainwarden.regions import (
    PROVINCES,
    Province,
    RegionError,
    find_province,
    province,
    province_by_abbreviation,
    region_name,
    validate_region_code,
)

__all__ = [
    "PROVINCES",
    "Province",
    "RegionError",
    "find_province",
    "province",
    "province_by_abbreviation",
    "region_name",
    "validate_region_code",
]
