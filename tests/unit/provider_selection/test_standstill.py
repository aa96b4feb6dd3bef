"""The standstill period of regulation 12, worked by hand across weekends and bank holidays.

SI 2023/1348, regulation 12(2): "The standstill period begins on the day after the day a notice
of intention to award or conclude is published"; 12(3): representations may be made "before
midnight at the end of the 8th working day after the day the standstill period begins". A working
day is not a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday in England and
Wales.
"""

import datetime as dt

from commissioning.provider_selection.standstill import (
    is_working_day,
    latest_publication_for,
    standstill,
    working_day_after,
)

D = dt.date


def test_an_ordinary_fortnight():
    """Published Monday 3 March 2025; begins Tuesday 4 March. Working days after the 4th:
    Wed 5 (1), Thu 6 (2), Fri 7 (3), Mon 10 (4), Tue 11 (5), Wed 12 (6), Thu 13 (7), Fri 14 (8):
    it ends at midnight at the end of Friday 14 March; the award can be made on Saturday 15."""
    period = standstill(D(2025, 3, 3))
    assert period.begins == D(2025, 3, 4)
    assert period.ends == D(2025, 3, 14)
    assert period.earliest_award == D(2025, 3, 15)


def test_christmas_and_new_year():
    """Published Friday 19 December 2025; begins Saturday 20 December. Working days after the
    20th: Mon 22 (1), Tue 23 (2), Wed 24 (3); Thu 25 (Christmas Day) and Fri 26 (Boxing Day)
    are not; Mon 29 (4), Tue 30 (5), Wed 31 (6); Thu 1 January 2026 (New Year's Day) is not;
    Fri 2 (7), Mon 5 January (8). It ends at midnight at the end of Monday 5 January 2026."""
    assert standstill(D(2025, 12, 19)).ends == D(2026, 1, 5)


def test_easter():
    """Published Wednesday 16 April 2025; begins Thursday 17 April. Working days after the 17th:
    Good Friday 18 April and Easter Monday 21 April are not; Tue 22 (1), Wed 23 (2), Thu 24 (3),
    Fri 25 (4), Mon 28 (5), Tue 29 (6), Wed 30 (7), Thu 1 May (8): it ends on Thursday 1 May."""
    assert not is_working_day(D(2025, 4, 18)) and not is_working_day(D(2025, 4, 21))
    assert standstill(D(2025, 4, 16)).ends == D(2025, 5, 1)


def test_representations_hold_it_open_then_five_more_working_days():
    """Representations on 24 April hold the Easter period open (12(4)). The further decision to
    go ahead is sent on Friday 2 May 2025; then 5 working days: Mon 5 May is the early May bank
    holiday; Tue 6 (1), Wed 7 (2), Thu 8 (3), Fri 9 (4), Mon 12 (5): it ends on 12 May."""
    waiting = standstill(D(2025, 4, 16), representations=D(2025, 4, 24))
    assert waiting.ends is None and waiting.is_open(D(2025, 6, 1))
    decided = standstill(D(2025, 4, 16), D(2025, 4, 24), further_decision=D(2025, 5, 2))
    assert decided.ends == D(2025, 5, 12)


def test_late_representations_do_not_hold_it_open():
    assert standstill(D(2025, 3, 3), representations=D(2025, 3, 17)).ends == D(2025, 3, 14)


def test_one_off_bank_holidays_and_substitute_days():
    assert not is_working_day(D(2023, 5, 8))  # coronation of King Charles III
    assert not is_working_day(D(2022, 12, 27))  # Christmas Day fell on a Sunday
    assert working_day_after(D(2022, 12, 23), 1) == D(2022, 12, 28)


def test_latest_publication_for_a_contract_start():
    """To start on Thursday 1 May 2025 the standstill must end by 30 April: publishing on
    Tuesday 15 April gives begins 16 April, working days 17 (1), 22 (2), 23, 24, 25, 28, 29,
    30 April (8); publishing on the 16th would end on 1 May, too late."""
    assert latest_publication_for(D(2025, 5, 1)) == D(2025, 4, 15)
