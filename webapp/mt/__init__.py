"""Offline machine translation: the engine interface, the Argos engine and package installs.

Nothing heavy is imported here, so the web app can import `webapp.mt.base` and start fast.
"""
