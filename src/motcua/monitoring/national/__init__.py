"""The national indicator set (Decision 766/QĐ-TTg and the national portal's scoring).

``formulas`` is the registry of dated formula versions (groups, sub-indicators, points,
thresholds, sources); ``compute`` turns counts (``NationalFacts``) and the PAKN facts
into points, with no database access, so every formula is tested on hand-built facts;
``collect`` reads the counts of an agency's dossiers from the database. docs/INDICATORS.md
is the prose version.
"""
