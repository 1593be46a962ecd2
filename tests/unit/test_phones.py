import pytest

from chalicelib.phones import mask_phone, normalize_phone

VALID = [
    ("0555 12 34 56", "+213555123456"),
    ("0555123456", "+213555123456"),
    ("+213555123456", "+213555123456"),
    ("+213 555 12 34 56", "+213555123456"),
    ("00213555123456", "+213555123456"),
    ("00213 0555 12 34 56", "+213555123456"),
    ("213555123456", "+213555123456"),
    ("0661.23.45.67", "+213661234567"),
    ("07-71-23-45-67", "+213771234567"),
    ("(0555) 12-34-56", "+213555123456"),
    ("٠٥٥٥١٢٣٤٥٦", "+213555123456"),
    ("021 23 45 67", "+21321234567"),
    ("+213 38 12 34 56", "+21338123456"),
]

INVALID = ["", "hello", "0855123456", "055512345", "05551234567", "+33612345678",
           "0015551234567", "0155123456", "+213", "0555 12 34 5x", "1" * 41]


@pytest.mark.parametrize("typed,expected", VALID)
def test_accepts_what_customers_type(typed, expected):
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize("typed", INVALID)
def test_refuses_what_is_not_algerian(typed):
    assert normalize_phone(typed) is None


def test_non_string_is_refused():
    assert normalize_phone(555123456) is None


def test_mask_hides_the_middle():
    assert mask_phone("+213555123456") == "+21355****56"
