# Django's Russian month-and-day format puts the month in the nominative («24 Ноябрь», as in the
# admin's date hierarchy); a date needs the genitive: «24 ноября».
MONTH_DAY_FORMAT = "j E"
