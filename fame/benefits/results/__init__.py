"""A benefits model's results: the Green Book figures by year, in total and by partner, with
charts; the sensitivity tornado and a Monte Carlo run; figures taken from a Demonstrator
comparison into a new version; and benefits realisation, plan against actual by quarter."""
