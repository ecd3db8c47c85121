"""What a tunnel message is, as the third element of its wire entry (see docs/protocol.md).

Plain `send_msg` messages carry no kind. The typed layer marks replies (so a pushed message is
never mistaken for the answer to a request with the same version), errors reported back to the
sender, and cancellations of requests; none of those reaches a plain `on_receive` handler.
"""

MESSAGE = 0
REPLY = 1
ERROR = 2
CANCEL = 3
KINDS = (MESSAGE, REPLY, ERROR, CANCEL)
