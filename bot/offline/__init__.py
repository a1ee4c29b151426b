"""The offline kit: the real Application without Telegram.

``fake_telegram`` stands in for the Bot API at the HTTP boundary, ``driver`` (OfflineBot) plays
users sending commands, texts, replies, button presses and documents, and ``demo`` is the
scripted ``councilbot demo``. Used by the tests, the benchmarks and the demo; never in production.
"""
