// Under the bonnet: what a message of the technology view really carries, built and checked
// by the federation's own code on the hub (``/demonstrator/bonnet.json``), shown in words.
const MESSAGE = {
  request: 'details_requested',
  answer: 'request_answered',
  refusal: 'request_refused',
  update: 'index_updated',
  head: 'tree_head_signed'
}
const SIZE_MAX = 200000

// The query for a message of ``kind``, or null when it is not a federation message.
export function bonnetQuery ({ kind, agencyType, refused, size }) {
  if (!MESSAGE[kind]) return null
  return new URLSearchParams({
    message: MESSAGE[kind],
    agency_type: agencyType,
    refused: refused ? '1' : '0',
    size: String(Math.max(1, Math.min(SIZE_MAX, size)))
  })
}

function element (parent, tag, className, text) {
  const made = parent.appendChild(document.createElement(tag))
  if (className) made.className = className
  if (text !== undefined) made.textContent = text
  return made
}

function summaryList (parent, rows) {
  const list = element(parent, 'dl', 'govuk-summary-list')
  for (const [key, value] of rows) {
    const row = element(list, 'div', 'govuk-summary-list__row')
    element(row, 'dt', 'govuk-summary-list__key', key)
    element(row, 'dd', 'govuk-summary-list__value', value)
  }
  return list
}

function table (parent, caption, columns, rows) {
  const made = element(parent, 'table', 'govuk-table')
  element(made, 'caption', 'govuk-table__caption govuk-table__caption--s', caption)
  const head = element(element(made, 'thead'), 'tr', 'govuk-table__row')
  for (const text of columns) { const th = element(head, 'th', 'govuk-table__header', text); th.scope = 'col' }
  const body = element(made, 'tbody')
  for (const cells of rows) {
    const tr = element(body, 'tr', 'govuk-table__row')
    cells.forEach((text, k) => {
      const cell = element(tr, k ? 'td' : 'th', k ? 'govuk-table__cell fame-bonnet__value' : 'govuk-table__header', text)
      if (!k) cell.scope = 'row'
    })
  }
  return made
}

const text = (value) => value === null || value === undefined ? '(none)' : typeof value === 'object' ? JSON.stringify(value) : String(value)

function show (panel, data) {
  element(panel, 'p', 'govuk-body', data.about)
  element(panel, 'p', 'govuk-inset-text', 'Made up for this view: the practitioner and the child do not exist, and the message was signed with a key made for it alone and then forgotten. The code that built it and checked it is the federation’s own.')
  const signature = data.signature || (data.request && data.request.signature)
  summaryList(panel, [
    ['From', data.from],
    ['To', data.to],
    ['Sent to', data.url ? `POST ${data.url}` : `the answer to POST ${data.request.url}`],
    ['Signature', signature ? `${signature.verified ? 'Checked with the receiver’s verifier: valid' : 'Not valid'}. Key id “${signature.key_id}”, nonce ${signature.nonce}, made ${signature.created}, expires ${signature.expires}${signature.covers_assertion ? '; it covers the user assertion' : ''}.` : 'None']
  ])
  if (data.headers) {
    table(panel, 'Signed headers', ['Header', 'Value'], Object.entries(data.headers))
  }
  if (data.assertion) {
    table(panel, `The user assertion’s claims (a JWT, ${data.assertion.header.alg}; ${data.assertion.verified ? 'its signature checks' : 'its signature does not check'})`, ['Claim', 'Value'],
      Object.entries(data.assertion.claims).map(([k, v]) => [k, text(v)]))
  }
  if (data.decisions) {
    element(panel, 'h3', 'govuk-heading-s', 'The policy decision (the sharing rules, Cedar)')
    for (const d of data.decisions) {
      summaryList(panel, [
        ['Category', d.category],
        ['Decision', d.decision === 'permit' ? 'Permit' : 'Deny'],
        ['Rules that decided', d.policies.length ? d.policies.join(', ') : 'None permitted it'],
        ['Reasons', d.reasons.join(' ')],
        ['Lawful basis', d.lawful_basis || '(none: refused)']
      ]).dataset.decision = d.decision
    }
  }
  if (data.tree_head) {
    element(panel, 'p', 'govuk-body', data.tree_head.signed_by_hub ? 'The tree head’s own signature checks with the hub’s key.' : 'The tree head’s signature does not check.')
  }
  const details = element(panel, 'details', 'govuk-details')
  element(element(details, 'summary', 'govuk-details__summary'), 'span', 'govuk-details__summary-text', 'The message’s body')
  element(element(details, 'div', 'govuk-details__text'), 'pre', 'fame-bonnet__json', JSON.stringify(data.body, null, 2))
}

export async function openBonnet (panel, { title, query, kind }) {
  panel.hidden = false
  panel.replaceChildren()
  const heading = element(panel, 'h2', 'govuk-heading-m', `Under the bonnet: ${title}`)
  heading.id = 'bonnet-heading'
  heading.tabIndex = -1
  panel.setAttribute('aria-labelledby', heading.id)
  const close = element(panel, 'button', 'govuk-button govuk-button--secondary', 'Close')
  close.type = 'button'
  const status = element(panel, 'p', 'govuk-body', 'Building the message…')
  status.setAttribute('role', 'status')
  const returnTo = document.activeElement
  close.addEventListener('click', () => {
    panel.hidden = true
    if (returnTo && returnTo.isConnected) returnTo.focus()
  })
  heading.focus()
  if (!query) {
    status.textContent = kind === 'search'
      ? 'A search goes from the practitioner’s browser to the hub in their signed-in session (HTTPS, with their second factor); it is not a signed message between hub and node. The hub writes it to the audit log.'
      : 'Opening a record goes from the practitioner’s browser to the hub in their signed-in session, with the reason they gave; the hub writes it to the audit log. It is not a signed message between hub and node.'
    return
  }
  try {
    const response = await fetch(new URL(`bonnet.json?${query}`, window.location.href), { credentials: 'same-origin' })
    const data = await response.json()
    if (!response.ok) throw new Error((data.problems || []).join(' ') || `The hub answered ${response.status}.`)
    status.remove()
    show(panel, data)
  } catch (error) {
    status.textContent = `The message could not be built: ${error.message}`
  }
}
