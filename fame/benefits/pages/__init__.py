"""Building a benefits model in pages: a working draft per person, edited one section at a
time, checked and saved as a new version; and the model exchanged as JSON or a workbook."""
