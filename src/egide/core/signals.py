"""Signals of Égide's own.

``bulk_created``: records inserted with ``bulk_create`` send no ``post_save``; a service that
creates records that way sends this instead (sender: the model; ``instances``: the records, with
their primary keys), so that what follows every new record (the monitoring summary's changed
months, say) follows these too.
"""

from __future__ import annotations

from django.dispatch import Signal

bulk_created = Signal()
