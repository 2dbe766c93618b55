"""Static-site writers (Hugo, Jekyll, Pelican) sharing one core; see core.py."""
