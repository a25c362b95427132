// What a run has done by time t (or one selection's part of it), summed as the management
// view draws it. Reading moves forward event by event (cheap as time runs); going back
// starts again from the beginning.
export const DAYS_PER_QUARTER = 365.25 / 4
export const HOURS = [
  ['finding', 'Finding who is involved'],
  ['assessment', 'Assessing (CAF)'],
  ['asking', 'Asking agencies for details'],
  ['meetings', 'TAC meetings'],
  ['reviews', 'Reviews']
]

const READ = new Set([
  'concern noticed', 'find who is involved', 'CAF started', 'CAF completed', 'TAC meeting held',
  'CAF reviewed', 'details requested', 'request refused'
])

function find (objects, kind) {
  const found = objects.find((o) => o.kind === kind)
  return found ? found.id : ''
}

export class Tally {
  // ``keep(event)``: true for the events to count (a selection's, ./selection.mjs); none
  // given, every event counts.
  constructor (source, keep = null) {
    this.source = source
    this.keep = keep
    this.reset()
  }

  reset () {
    this.t = 0
    this.read = 0 // events read so far
    this.quarters = [] // per quarter: {agency type: CAFs completed}
    this.concerns = new Map() // "child|practitioner" -> {t, found}
    this.cases = new Map() // caf id -> {start, agencies}
    this.toMeeting = [] // {t, days, mean}: each first TAC meeting, with the running mean
    this.spent = Object.fromEntries(HOURS.map(([key]) => [key, 0]))
    this.hours = [] // {t, ...spent}: the cumulative hours, one point a day
    this.requests = 0
    this.refused = new Map()
  }

  // Read the events up to time t (from the start again if t is earlier than before).
  to (t) {
    if (t < this.t) this.reset()
    this.t = t
    const end = this.source.count(t)
    for (; this.read < end; this.read++) {
      if (!READ.has(this.source.activity(this.read))) continue
      const event = this.source.event(this.read)
      if (!this.keep || this.keep(event)) this.add(event)
    }
    return this
  }

  spend (t, key, hours) {
    if (!(hours > 0)) return
    this.spent[key] += hours
    const day = Math.floor(t)
    const last = this.hours[this.hours.length - 1]
    if (last && Math.floor(last.t) === day) Object.assign(last, { t, [key]: this.spent[key] })
    else this.hours.push({ t, ...this.spent })
  }

  add ({ t, activity, objects, attributes: x }) {
    const child = find(objects, 'child')
    const practitioner = find(objects, 'practitioner')
    const caf = find(objects, 'caf')
    switch (activity) {
      case 'concern noticed':
        this.concerns.set(`${child}|${practitioner}`, { t, found: undefined })
        break
      case 'find who is involved': {
        const concern = this.concerns.get(`${child}|${practitioner}`)
        if (concern && concern.found === undefined) concern.found = x.found || 0
        this.spend(t, 'finding', (x.minutes || 0) / 60)
        break
      }
      case 'CAF started': {
        const concern = this.concerns.get(`${child}|${practitioner}`)
        this.cases.set(caf, { start: concern ? concern.t : t, agencies: 1 + ((concern && concern.found) || 0) })
        break
      }
      case 'CAF completed': {
        const quarter = Math.floor(t / DAYS_PER_QUARTER)
        while (this.quarters.length <= quarter) this.quarters.push({})
        const agency = x.agency_type || 'unknown'
        this.quarters[quarter][agency] = (this.quarters[quarter][agency] || 0) + 1
        this.spend(t, 'assessment', x.assessment_hours)
        this.spend(t, 'asking', x.asking_hours)
        break
      }
      case 'TAC meeting held': {
        const known = this.cases.get(caf)
        if (known) known.agencies = x.attendees
        const days = t - (known ? known.start : t)
        const before = this.toMeeting.length
        const mean = before ? (this.toMeeting[before - 1].mean * before + days) / (before + 1) : days
        this.toMeeting.push({ t, days, mean })
        this.spend(t, 'meetings', (x.attendees || 0) * (x.hours_each || 0))
        break
      }
      case 'CAF reviewed': {
        const known = this.cases.get(caf)
        this.spend(t, 'reviews', (known ? known.agencies : 1) * (x.hours_each || 0))
        break
      }
      case 'details requested':
        this.requests += 1
        break
      case 'request refused':
        this.refused.set(x.why, (this.refused.get(x.why) || 0) + 1)
        break
    }
  }

  cafs () {
    return this.quarters.reduce((sum, q) => sum + Object.values(q).reduce((a, b) => a + b, 0), 0)
  }

  // A queue (source.series: [[day, waiting], ...]) up to t, ending at t.
  queue (name) {
    const series = (this.source.series && this.source.series[name]) || []
    const shown = []
    for (const [day, waiting] of series) {
      if (day > this.t) break
      shown.push([day, waiting])
    }
    const last = shown.length ? shown[shown.length - 1][1] : 0
    shown.push([this.t, last])
    if (shown[0][0] > 0) shown.unshift([0, 0])
    return shown
  }
}
