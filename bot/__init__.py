"""Assembly: settings, the application factory, the message catalogue, the CLI."""

import os

# Opt in to python-telegram-bot's future behaviour now: durations such as RetryAfter.retry_after
# are datetime.timedelta, not ints, so the code never has to change when the default flips.
os.environ.setdefault("PTB_TIMEDELTA", "1")
