"""Content transforms: WordPress's own text rules (wpautop, shortcodes) and friends."""
