"""The FAME Generic Framework's public guidance and the case studies partnerships share.

Published without sign-in under ``/framework/``: each building block and dimension
explained, with how-to steps, linked both ways with the readiness statements that assess
it and the roadmap actions that build it; and case studies, contributed by partnerships
and moderated before publication.
"""
