"""Forecasting: series loaders, windows, column encodings and layers, baselines, `forecast`.

- `series`: a time series of one column or many from CO2, sunspots, US macro data, the noisy sine
  or any CSV/TSV, with dates in one column or several, gaps filled and reported;
- `encoding`: columns to input channels, fitted on the training part only (scales, categories, calendar);
- `windows`: chronological splits and sliding windows;
- `layers`: the column layers the forecaster's model is made of;
- `baselines`: persistence, seasonal naive, a linear map per column, and the errors all report;
- `evaluation`, `plots`: the forecaster's test report and its figures;
- `forecast`: reopen a finished run and forecast after new data (`rnn_cookbook.forecast`).
"""

from rnn_cookbook import lazy_submodules

__getattr__ = lazy_submodules(__name__)
