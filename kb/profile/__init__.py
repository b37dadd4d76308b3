"""Organization profiles: read, validate, normalize (contract: shared/spec/profile.md).

A profile is hand-written by people who will mistype field names, write 90
for 90%, or invent dates. Every query trusts what this package returns, so it
is strict: anything it cannot read exactly is an :class:`InputError` naming
the file, the dotted field and what was expected, never a silent guess. What
the profile leaves out stays out (absent key), because missing data is
*unknown*, not zero or false.

Numbers become :class:`fractions.Fraction` because thresholds decide
eligibility and 0.9 must compare equal to 90%.

The package: ``records`` (what a profile reads into), ``values`` (one value
checked by its type), ``reader`` (a file or mapping → Profile or Group),
``rows`` (bulk CSV); ``docs`` and ``template`` describe the profile.
"""
from __future__ import annotations

from kb.law.fields import FIELDS
from kb.profile.reader import check_attest_keys, load_profile, profile_from_dict
from kb.profile.records import CreditEvent, Designation, Group, Profile, Revocation
from kb.profile.rows import flatten_row, profile_from_row
# the reader's own rules, shared with the fast bulk screen (kb.screening) and the
# population generator, so both read cells alike
from kb.profile.reader import CITIES, CITY_ALIASES
from kb.profile.rows import read_cell
from kb.profile.values import YEARS, ReadContext, convert_value

__all__ = ["load_profile", "profile_from_dict", "check_attest_keys", "flatten_row", "profile_from_row", "Profile",
           "Group", "CreditEvent", "Designation", "Revocation", "FIELDS", "CITIES", "CITY_ALIASES",
           "read_cell", "convert_value", "ReadContext", "YEARS"]
