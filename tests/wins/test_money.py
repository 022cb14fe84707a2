"""The amount parser: what people type, read the one way it can be read, or not at all."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.wins.money import CURRENCIES, Money, format_money, parse_amount, split_amount

D = Decimal

CASES: list[tuple[str, Money | None]] = [
    # plain and grouped
    ("125000", Money(D("125000"), None)),
    ("125,000", Money(D("125000"), None)),
    ("1,234,567.89", Money(D("1234567.89"), None)),
    ("12.50", Money(D("12.50"), None)),
    ("0", Money(D("0"), None)),
    # multipliers
    ("125k", Money(D("125000"), None)),
    ("125K", Money(D("125000"), None)),
    ("$1.2M", Money(D("1200000"), "USD")),
    ("1.5 mio", Money(D("1500000"), None)),
    ("2 million", Money(D("2000000"), None)),
    ("£3.5bn", Money(D("3500000000"), "GBP")),
    ("5 MM", Money(D("5000000"), None)),
    # currencies before and after, codes and symbols
    ("EUR 90,000", Money(D("90000"), "EUR")),
    ("EUR90000", Money(D("90000"), "EUR")),
    ("90000 eur", Money(D("90000"), "EUR")),
    ("125k USD", Money(D("125000"), "USD")),
    ("USD 1.2M", Money(D("1200000"), "USD")),
    ("CA$5k", Money(D("5000"), "CAD")),
    ("R$ 10.000,00", Money(D("10000"), "BRL")),
    ("¥1,000,000", Money(D("1000000"), "JPY")),
    # European, Swiss, French and Indian writing
    ("90.000,50 €", Money(D("90000.50"), "EUR")),
    ("€90.000,50", Money(D("90000.50"), "EUR")),
    ("1.234.567,89", Money(D("1234567.89"), None)),
    ("1,5 Mio. €", Money(D("1500000"), "EUR")),
    ("CHF 1'234'567.50", Money(D("1234567.50"), "CHF")),
    ("90 000,50 €", Money(D("90000.50"), "EUR")),
    ("90\u202f000 €", Money(D("90000"), "EUR")),
    ("₹12,34,567", Money(D("1234567"), "INR")),
    ("₹5 crore", Money(D("50000000"), "INR")),
    ("12,5", Money(D("12.5"), None)),
    # signs (read, so the form can say a negative amount is wrong)
    ("-5k", Money(D("-5000"), None)),
    ("\u2212$200", Money(D("-200"), "USD")),
    # ambiguous: refused rather than guessed
    ("12.345k", None),  # 12.345 thousand, or 12,345 thousand?
    ("1,250k", None),
    ("0.001", None),  # a third decimal is not money
    ("1.234,567", None),
    ("kr 500", None),  # SEK, NOK, DKK or ISK?
    ("EUR 90,000 USD", None),
    # garbage
    ("", None),
    ("   ", None),
    ("lots", None),
    ("$", None),
    ("k", None),
    ("1e5", None),
    ("NaN", None),
    ("Infinity", None),
    ("1,2.3,4", None),
    ("12abc", None),
    ("5 XYZ", None),
    ("top 5", None),
    ("١٢٣", None),  # Arabic-Indic digits
    ("1 2 3", None),
    ("--5", None),
    ("9" * 80, None),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


def test_there_are_enough_cases():
    assert len(CASES) >= 25


@pytest.mark.parametrize(
    ("text", "amount", "rest"),
    [
        ("125k Acme renewal", Money(D("125000"), None), "Acme renewal"),
        ("EUR 90,000 Globex deal", Money(D("90000"), "EUR"), "Globex deal"),
        ("Acme renewal 90.000,50 €", Money(D("90000.50"), "EUR"), "Acme renewal"),
        ("Acme renewal", None, "Acme renewal"),
        ("2027 renewal with Acme", None, "2027 renewal with Acme"),  # a year, not $2,027
        ("Acme renewal 2027", None, "Acme renewal 2027"),  # unmarked at the end: not taken
        ("top 5 deals", None, "top 5 deals"),
        ("", None, ""),
    ],
)
def test_split_amount_takes_only_what_is_surely_an_amount(text, amount, rest):
    assert split_amount(text) == (amount, rest)


def test_format_money():
    assert format_money(D("125000.00"), "USD") == "USD 125,000"
    assert format_money(D("90000.50"), "EUR") == "EUR 90,000.50"
    assert format_money(D("999999999999.99"), "JPY") == "JPY 999,999,999,999.99"


def test_formatted_amounts_read_back_the_same():
    for amount in (D("1"), D("125000"), D("90000.5"), D("1234567.89"), D("1000000000000")):
        assert parse_amount(format_money(amount, "EUR")) == Money(amount, "EUR")


def test_the_currency_list_is_iso_4217():
    assert {"USD", "EUR", "GBP", "JPY", "INR", "CHF", "BRL"} <= CURRENCIES
    assert all(len(c) == 3 and c.isupper() for c in CURRENCIES)
    assert "HRK" not in CURRENCIES and "XXX" not in CURRENCIES  # withdrawn; "no currency"


money_like = st.text(
    alphabet=st.sampled_from(list("0123456789.,' -\u2212$€£¥₹kKmMbBnoiEURSDusd\u00a0\u202f")),
    max_size=30,
)


@settings(max_examples=800, deadline=None)
@given(st.one_of(st.text(max_size=100), money_like))
def test_parse_amount_never_raises(text):
    result = parse_amount(text)
    assert result is None or isinstance(result.amount, Decimal)
    if result is not None:
        assert result.amount == result.amount.quantize(D("0.01"))
        assert result.currency is None or result.currency in CURRENCIES
    split_amount(text)
