"""The MPP dashboard: performance figures per MPP, agency and period (``queries``), and demo data (``simulate``)."""
