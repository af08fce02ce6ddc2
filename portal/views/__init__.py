"""The web: one blueprint per area, whose views only speak HTTP, and what only views use
(the goal page, the lookups of what an address names, the helpers of form pages, the feeds,
the open data files, the API's description, the charts and the error pages)."""
