"""Imports every table module so that ``Base.metadata`` knows all tables."""

from mpp.db import booking_tables, catalogue_tables, inbox_tables, queue_tables, staff_tables  # noqa: F401
from mpp.db.base import Base

metadata = Base.metadata
