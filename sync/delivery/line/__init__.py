"""LINE groups as a second delivery channel beside e-mail, on the same reminder policy and ledger.

messages.py builds the Flex messages, client.py talks to the Messaging API through the official
SDK (line-bot-sdk), budget.py keeps a month within the message budget, channel.py decides and sends
exactly once, webhook.py learns group ids, cli.py is `python cli.py line …`.
"""
