"""Setting up a readiness round and answering it.

- ``actions`` opening a round, inviting respondents, who agrees to compare, closing;
- ``answering`` saving a block's answers with their evidence, submitting, and when a
  respondent may no longer change them; ``progress`` how far each respondent has got;
- ``uploads`` which evidence documents are kept (by extension and content, and size);
- ``forms`` and ``views`` the pages (``urls`` names them in the ``readiness`` namespace).
"""
