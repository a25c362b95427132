// Progressive enhancement for GOV.UK Frontend components.
import { initAll } from '/assets/govuk/govuk-frontend.min.js'

initAll()
