"""Data loaders and preprocessing shared by the recipes.

- `series`: time series of one column or many (noisy sine, CO2, sunspots, US macro data, CSV/TSV
  files with dates in one column or several), gaps filled and reported.
- `encoding`: columns to input channels, fitted on train only: scales, one-hot categories, calendar.
- `windows`: chronological splits and sliding windows for forecasting.
- `text`: labelled text (IMDB, aclImdb, CSV, one file per class, toy) and word vocabularies.
- `splits`: stratified validation hold-outs for the classifiers.
- `pipeline`: arrays to a seeded, batched, prefetched `tf.data` pipeline.

Loaders read real data first and work offline where the data ships with an installed package.
"""
