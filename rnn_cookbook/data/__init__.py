"""Data loaders and preprocessing shared by the recipes.

- `series`: univariate time series (noisy sine, CO2, sunspots, CSV columns), gaps filled and reported.
- `windows`: chronological splits and sliding windows for forecasting, scaled on train only.
- `text`: labelled text (IMDB, aclImdb, CSV, one file per class, toy) and word vocabularies.
- `pipeline`: arrays to a seeded, batched, prefetched `tf.data` pipeline.

Loaders read real data first and work offline where the data ships with an installed package.
"""
