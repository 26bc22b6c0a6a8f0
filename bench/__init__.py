"""``python -m bench``: load a synthetic district into its own database and measure the text engine.

Later capabilities register their own measurements in ``bench.registry`` under the names they
give; the last printed line is one JSON object with every figure.
"""
