"""The Regional Business Case: the partnership's narrative in the HM Treasury Five Case
Model, with the benefits model's results, the readiness summary and roadmap, and the
training and accreditation plan drawn in when the document is made."""
