// Text alternatives: every chart and animation has a table or summary that says what it
// shows, updated as it changes (at most once a second, so a screen reader is not flooded).
const UPDATE_MS = 1000

export class TextAlternative {
  // ``root``: an element holding a summary paragraph (announced politely) and a table.
  constructor (root, { caption }) {
    this.root = root
    this.summary = root.appendChild(document.createElement('p'))
    this.summary.className = 'govuk-body'
    this.summary.setAttribute('aria-live', 'polite')
    this.table = root.appendChild(document.createElement('table'))
    this.table.className = 'govuk-table'
    const heading = this.table.appendChild(document.createElement('caption'))
    heading.className = 'govuk-table__caption govuk-table__caption--s'
    heading.textContent = caption
    this.head = this.table.appendChild(document.createElement('thead'))
    this.body = this.table.appendChild(document.createElement('tbody'))
    this.last = 0
    this.pending = null
  }

  // ``columns``: header texts; ``rows``: arrays of cell texts (numbers are right-aligned).
  show ({ summary, columns, rows }, { now = false } = {}) {
    this.pending = { summary, columns, rows }
    const due = this.last + UPDATE_MS - performance.now()
    if (now || due <= 0) return this.flush()
    if (!this.timeout) this.timeout = setTimeout(() => this.flush(), due)
  }

  flush () {
    clearTimeout(this.timeout)
    this.timeout = null
    if (!this.pending) return
    const { summary, columns, rows } = this.pending
    this.pending = null
    this.last = performance.now()
    if (this.summary.textContent !== summary) this.summary.textContent = summary
    const headRow = document.createElement('tr')
    headRow.className = 'govuk-table__row'
    for (const text of columns) {
      const th = headRow.appendChild(document.createElement('th'))
      th.className = 'govuk-table__header'
      th.scope = 'col'
      th.textContent = text
    }
    this.head.replaceChildren(headRow)
    this.body.replaceChildren(...rows.map((cells) => {
      const tr = document.createElement('tr')
      tr.className = 'govuk-table__row'
      cells.forEach((text, k) => {
        const cell = tr.appendChild(document.createElement(k === 0 ? 'th' : 'td'))
        cell.className = k === 0 ? 'govuk-table__header' : 'govuk-table__cell'
        if (k === 0) cell.scope = 'row'
        if (typeof text === 'number') {
          cell.classList.add('govuk-table__cell--numeric')
          text = text.toLocaleString('en-GB', { maximumFractionDigits: 2 })
        }
        cell.textContent = text
      })
      return tr
    }))
  }
}
