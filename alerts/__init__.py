"""Digests: select undelivered leads -> fold reprints -> render -> send -> record."""
