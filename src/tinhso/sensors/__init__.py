"""Sensors: the registry of devices, their observations (MQTT and HTTP, FIWARE Smart Data
Models), hourly and daily roll-ups, and the air-quality index (VN_AQI)."""
