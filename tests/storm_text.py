"""A small live blog in the plain-text shape, written for these tests."""

STORM = """March 1, 2026 | 10:00 GMT

Storm Ana comes ashore

Live updates as the storm reaches the coast.

  • 09h30

    Trees are down on the coast road.

  • 09h10

    The ferry is cancelled. Photo by Sam Lee
"""
