"""The operations centre: indicators and their values, alerts and their procedures, the
leader's overview, sector dashboards and the video wall."""
