"""What a tunnel message is, as the third element of its wire entry.

Plain `send_msg` messages carry no kind. The typed layer marks replies (so a pushed message is
never mistaken for the answer to a request with the same version), errors reported back to the
sender, and never hands either to a plain `on_receive` handler as something else.
"""

MESSAGE = 0
REPLY = 1
ERROR = 2
KINDS = (MESSAGE, REPLY, ERROR)
