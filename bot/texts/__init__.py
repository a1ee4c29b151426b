"""Message texts, one module per feature; see bot.catalogue."""
