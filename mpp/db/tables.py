"""Imports every table module so that ``Base.metadata`` knows all tables."""

from mpp.db import (  # noqa: F401
    application_tables,
    booking_tables,
    catalogue_tables,
    complaint_tables,
    dashboard_tables,
    editor_tables,
    handoff_tables,
    inbox_tables,
    queue_tables,
    staff_tables,
    survey_tables,
)
from mpp.db.base import Base

metadata = Base.metadata
