"""Time as the offices live it: Asia/Bangkok."""

import datetime as dt

import pytz

BANGKOK = pytz.timezone("Asia/Bangkok")


def now() -> dt.datetime:
    return dt.datetime.now(BANGKOK)


def today() -> dt.date:
    return now().date()
