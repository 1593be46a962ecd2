from chalicelib.couriers.service import retry_delay


def test_a_courier_job_backs_off_doubling_from_a_minute_up_to_fifteen():
    assert [retry_delay(attempt) for attempt in range(1, 7)] == [60, 120, 240, 480, 900, 900]


def test_the_couriers_own_retry_after_is_honoured_when_longer():
    assert retry_delay(1, retry_after=300) == 300
    assert retry_delay(3, retry_after=10) == 240
    assert retry_delay(1, retry_after=10_000) == 900
