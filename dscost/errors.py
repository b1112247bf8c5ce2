"""The one exception type for bad input.

Readers and validators raise :class:`InputError` with a message that already
names the file and the field, layer or node; the CLI prints it on one line and
exits with code 2.  Nothing else should reach the user as a traceback.
"""


class InputError(Exception):
    """Bad input from the user (file, field, flag).  ``str(err)`` is the whole one-line message."""
