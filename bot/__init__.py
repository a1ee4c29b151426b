"""The bot's side of councilbot, in three parts.

At the top, the assembly: settings, the application factory and runtime, the CLI, the webhook
server, the inbox of updates, logging, the command table and the message catalogue (``texts/``).
``outbound/`` holds what the bot says and sends on its own (reminders, notices, broadcasts,
reports); ``offline/`` the offline kit (the fake Bot API, the driver, the demo).
"""

import os

# Opt in to python-telegram-bot's future behaviour now: durations such as RetryAfter.retry_after
# are datetime.timedelta, not ints, so the code never has to change when the default flips.
os.environ.setdefault("PTB_TIMEDELTA", "1")
