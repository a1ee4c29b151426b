"""What the bot says and sends on its own, outside a user's command.

The texts of reminders, notices, merged reminders, meetings (with their .ics file), broadcast
copies and reports, import results and a letter's proposal; the Telegram sender the dispatcher
delivers through; the sending jobs on PTB's JobQueue (reminders, broadcasts); the report's files
(workbook and chart). Handlers reuse some of these texts, but nothing here imports a handler.
"""
