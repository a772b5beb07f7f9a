"""The one search key: what workers type finds what the records say (issue 10 item 8), without a database."""

from __future__ import annotations

import pytest

from apps.core.search import compose_key, digits_of, phone_key, query_words, words_key


def matches(query: str, key: str) -> bool:
    words = query_words(query)
    return bool(words) and all(word in key for word in words)


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("celine", "Céline", "Peeters"),
        ("CÉLINE", "Celine", "Peeters"),
        ("vandenbroeck", "Jan", "Van den Broeck"),
        ("van den broeck", "Jan", "Van den Broeck"),
        ("Van Den Broeck", "Jan", "Vandenbroeck"),
        ("dhondt", "Els", "D'Hondt"),
        ("dhondt", "Els", "D’Hondt"),
        ("d'hondt", "Els", "D’Hondt"),
        ("d’hondt", "Els", "Dhondt"),
        ("jean pierre", "Jean-Pierre", "Claes"),
        ("jeanpierre", "Jean-Pierre", "Claes"),
        ("jean-pierre claes", "Jean Pierre", "Claes"),
        ("francois", "François", "Dubois"),
        ("strasse", "Ida", "Straße"),
    ],
)
def test_a_name_is_found_as_flemish_workers_type_it(typed: str, first: str, last: str) -> None:
    assert matches(typed, compose_key(names=(first, last)))


def test_a_different_name_is_not_found() -> None:
    key = compose_key(names=("Céline", "Van den Broeck"))
    assert not matches("celina", key)
    assert not matches("vandenbroek", key)
    assert not matches("", key) and not matches("'-", key)


def test_titles_and_organisation_names_match_by_word_and_as_one_word() -> None:
    key = compose_key(texts=("Werkwinkel Van den Broeck vzw",))
    assert key == words_key("Werkwinkel Van den Broeck vzw")
    assert matches("van den broeck", key) and matches("vandenbroeck", key) and matches("werkwinkel", key)


def test_phones_are_kept_as_national_digits() -> None:
    assert phone_key("+32 470 12 34 56") == phone_key("0032 470 12.34.56") == phone_key("0470/12 34 56")
    assert phone_key("0470/12 34 56") == "0470123456"
    assert compose_key(names=("An",), phones=("+32 470 12 34 56",)) == "an 0470123456"


def test_a_number_is_recognised_as_people_type_it() -> None:
    assert digits_of("#123") == "123"
    assert digits_of("90.03.15-123.77") == "90031512377"
    assert digits_of("+32 470 12 34 56") == "32470123456"
    assert digits_of("van 12") == "" and digits_of("") == "" and digits_of("١٢٣") == ""


def test_a_long_query_is_cut_to_a_few_words() -> None:
    assert len(query_words("a b c d e f g h")) == 5
