"""The web app: pages in the NHS.UK design system, behind login."""
