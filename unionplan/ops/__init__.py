"""Running a workbook: where it is (config), connecting a Google Sheet, copying and
backing up, the demo year, and the administrator's command line."""
