"""Photos of a meeting: uploaded files made safe and sized, with captions that are translated."""
