"""Money as people type it: ``125k``, ``$1.2M``, ``EUR 90,000``, ``90.000,50 €``.

The parser reads what is unambiguous and returns None for everything else (``12.345k``
could be twelve or twelve thousand), so a form shows an error instead of a wrong number.
It never raises. Currencies are ISO 4217 codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, localcontext

# Active ISO 4217 currency codes (the list maintained by SIX; funds, precious metals and
# testing codes left out). Python ships no such list and it changes a few times a decade
# (last: HRK withdrawn 2023, SLE/VES/ZWG added), which is not worth a dependency.
CURRENCIES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR
    ZMW ZWG
    """.split()  # noqa: SIM905 - a table is easier to check against the standard's list
)

# Symbols that name one currency. A bare "$" is read as US dollars, the way people in a
# US-based sales team write it; other dollars need their prefix (C$, A$) or code. Symbols
# shared by several currencies ("kr", "R") are not read at all.
SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "MX$": "MXN",
    "CN¥": "CNY",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₪": "ILS",
    "₺": "TRY",
    "₱": "PHP",
    "₫": "VND",
    "₴": "UAH",
    "zł": "PLN",
    "Kč": "CZK",
    "Fr.": "CHF",
}

# Codes read in any case ("usd 5k"); the rest only in capitals.
COMMON_CURRENCIES = frozenset(
    {"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "INR", "SGD", "HKD", "SEK"}
)

MULTIPLIERS: dict[str, Decimal] = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "tsd": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "mio": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "millions": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
    "billions": Decimal(1_000_000_000),
    "mrd": Decimal(1_000_000_000),
    "lakh": Decimal(100_000),
    "lakhs": Decimal(100_000),
    "crore": Decimal(10_000_000),
    "crores": Decimal(10_000_000),
}

MAX_TEXT = 64
MAX_DIGITS = 24  # far beyond any real deal; keeps Decimal arithmetic exact
CENT = Decimal("0.01")

_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_SYMBOL_ALTERNATIVES = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_PREFIX = re.compile(
    rf"^(?:(?P<code>[A-Za-z]{{3}})(?![A-Za-z])|(?P<symbol>{_SYMBOL_ALTERNATIVES}))"
)
_SUFFIX = re.compile(
    rf"(?:(?<![A-Za-z])(?P<code>[A-Za-z]{{3}})|(?P<symbol>{_SYMBOL_ALTERNATIVES}))$"
)
_MULTIPLIER = re.compile(
    r"(?<![A-Za-z])(?P<word>" + "|".join(sorted(MULTIPLIERS, key=len, reverse=True)) + r")\.?$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[0-9](?:[0-9.,' ]*[0-9])?$")
_GROUPED = {
    # thousands grouped by threes, the first group one to three digits
    "three": re.compile(r"^[0-9]{1,3}(?:X[0-9]{3})+$"),
    # the Indian system: the last group three digits, the ones before it two
    "indian": re.compile(r"^[0-9]{1,2}(?:X[0-9]{2})*X[0-9]{3}$"),
}
_YEAR = re.compile(r"^(19|20|21)[0-9]{2}$")  # "/win 2027 renewal" names a year, not $2,027
_SIGNS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash


@dataclass(frozen=True)
class Money:
    """An amount (exact) and, when the text named one, its ISO 4217 currency."""

    amount: Decimal
    currency: str | None


@dataclass(frozen=True)
class _Reading:
    money: Money
    marked: bool  # the text carried a currency or a multiplier, so it is surely an amount


def parse_amount(text: str) -> Money | None:
    """Read an amount of money from what a person typed; None when it isn't unambiguous.

    Negative and zero amounts are read (so a form can say what is wrong with them); amounts
    with more than two decimal places are not.
    """
    reading = _read(text)
    return reading.money if reading is not None else None


def split_amount(text: str) -> tuple[Money | None, str]:
    """Take an amount off the start (or a clearly marked one off the end) of some text.

    ``125k Acme renewal`` gives (125000, "Acme renewal"); text without an amount comes back
    whole. Used to pre-fill a form, so only what is surely an amount is taken.
    """
    if not isinstance(text, str):
        return None, ""
    words = text.split()
    for size in range(min(len(words), 5), 0, -1):
        reading = _read(" ".join(words[:size]))
        if reading is not None and (reading.marked or not _YEAR.match(words[0])):
            return reading.money, " ".join(words[size:])
    for size in range(min(len(words) - 1, 5), 0, -1):
        reading = _read(" ".join(words[-size:]))
        if reading is not None and reading.marked:
            return reading.money, " ".join(words[:-size])
    return None, " ".join(words)


def is_currency(code: str) -> bool:
    return code in CURRENCIES


def format_money(amount: Decimal, currency: str | None) -> str:
    """An amount the way people read it: ``USD 125,000`` or ``EUR 90,000.50``."""
    whole = amount == amount.to_integral_value()
    number = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return f"{currency} {number}" if currency else number


def format_plain(amount: Decimal) -> str:
    """An amount as the parser reads it back, for pre-filling a form."""
    return format_money(amount, None)


def _read(text: object) -> _Reading | None:
    if not isinstance(text, str):
        return None
    s = _SPACES.sub(" ", text).strip()
    if not s or len(s) > MAX_TEXT:
        return None
    negative, s = _take_sign(s)
    currency, s = _take_currency(s, _PREFIX, prefix=True)
    if currency == "":
        return None
    if not negative:
        negative, s = _take_sign(s)
    suffix_currency, s = _take_currency(s, _SUFFIX, prefix=False)
    if suffix_currency == "" or (currency and suffix_currency):
        return None
    multiplier, s = _take_multiplier(s)
    if currency is None and suffix_currency is None:
        # "1.2M USD": the currency may also follow the multiplier
        suffix_currency, s = _take_currency(s, _SUFFIX, prefix=False)
        if suffix_currency == "":
            return None
        if suffix_currency is not None:
            multiplier2, s = _take_multiplier(s)
            if multiplier is not None and multiplier2 is not None:
                return None
            multiplier = multiplier or multiplier2
    currency = currency or suffix_currency
    number = _number(s, scaled=multiplier is not None)
    if number is None:
        return None
    with localcontext() as exact:
        exact.prec = 60
        amount = number * (multiplier or 1)
        if amount != amount.quantize(CENT):
            return None
        amount = amount.quantize(CENT)
    if negative:
        amount = -amount
    return _Reading(Money(amount, currency), marked=bool(currency or multiplier))


def _take_sign(s: str) -> tuple[bool, str]:
    if len(s) > 1 and s[0] in _SIGNS:
        return True, s[1:].lstrip()
    return False, s


def _take_currency(s: str, pattern: re.Pattern[str], *, prefix: bool) -> tuple[str | None, str]:
    """Strip a currency code or symbol; returns ("", s) for a code that isn't a currency."""
    match = pattern.search(s)
    if match is None:
        return None, s
    rest = (s[match.end() :] if prefix else s[: match.start()]).strip()
    if not rest:
        return None, s
    if match.group("symbol"):
        return SYMBOLS[match.group("symbol")], rest
    written = match.group("code")
    code = written.upper()
    if code.lower() in MULTIPLIERS:  # "1.5 mio", "3 tsd" are multipliers, not currencies
        return None, s
    # Capitals, or a well-known code in any case: "top 5" is not five Tongan pa'anga.
    if code in CURRENCIES and (written.isupper() or code in COMMON_CURRENCIES):
        return code, rest
    return "", s


def _take_multiplier(s: str) -> tuple[Decimal | None, str]:
    match = _MULTIPLIER.search(s)
    if match is None:
        return None, s
    rest = s[: match.start()].strip()
    if not rest or not rest[-1].isdigit():
        return None, s
    return MULTIPLIERS[match.group("word").lower()], rest


def _number(s: str, *, scaled: bool) -> Decimal | None:
    """Digits with grouping and a decimal mark, read the one way they can be read."""
    if not _NUMBER.match(s) or sum(c.isdigit() for c in s) > MAX_DIGITS:
        return None
    marks = [c for c in ".,'" if c in s]
    if " " in s:
        # spaces only group thousands ("90 000,50"); the decimal mark is then , or .
        integer, decimals = s, ""
        for mark in ",.":
            if mark in s:
                integer, _, decimals = s.rpartition(mark)
                break
        return _compose(_ungroup(integer, " ", indian=False), decimals, scaled)
    if not marks:
        return Decimal(s)
    if "'" in s:  # Swiss: 1'234'567.50
        integer, _, decimals = s.partition(".")
        return _compose(_ungroup(integer, "'", indian=False), decimals, scaled)
    if len(marks) == 2:
        decimal_mark = "." if s.rfind(".") > s.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        integer, _, decimals = s.rpartition(decimal_mark)
        return _compose(_ungroup(integer, group_mark, indian=True), decimals, scaled)
    mark = marks[0]
    parts = s.split(mark)
    if len(parts) > 2:  # 1,234,567 or 1.234.567: only grouping
        return _compose(_ungroup(s, mark, indian=mark == ","), "", scaled)
    integer, decimals = parts
    if len(decimals) == 3:
        # "125,000" and "125.000" are thousands (money has no third decimal); with a
        # multiplier "1,250k" could be 1.25k or 1250k, so it is not read.
        return None if scaled else _compose(_ungroup(s, mark, indian=False), "", scaled)
    return _compose(integer, decimals, scaled)


def _ungroup(integer: str, mark: str, *, indian: bool) -> str | None:
    """The digits of a grouped integer part, or None when the grouping is not regular."""
    if mark not in integer:
        return integer
    grouped = integer.replace(mark, "X")
    if grouped.startswith("0"):
        return None
    if _GROUPED["three"].match(grouped) or (indian and _GROUPED["indian"].match(grouped)):
        return grouped.replace("X", "")
    return None


def _compose(integer: str | None, decimals: str, scaled: bool) -> Decimal | None:
    if not integer or not integer.isdigit() or (decimals and not decimals.isdigit()):
        return None
    if not scaled and len(decimals) > 2:
        return None
    return Decimal(f"{integer}.{decimals}" if decimals else integer)
