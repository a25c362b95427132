"""The service directory, in the shape of the Open Referral UK data standard (the UK profile of
HSDS 3.0): what services there are, for whom, when and where, and how to refer."""
