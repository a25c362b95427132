// The people in a run: each child's case and each practitioner's work, read from its events.
//
// Shared by the client and practitioner views. A run's index is built once (and again
// when a live feed has grown), and answers: which children reached a CAF, the steps of
// one child's journey, who did each step, and how many hours it took them.
import { agencyOf, plain } from '../selection.mjs'

const d3 = window.d3

// What a practitioner spent time on; the order is the order of the stacked bars.
export const KINDS = [
  ['finding', 'Finding who is involved'],
  ['calls', 'Calls'],
  ['forms', 'Forms'],
  ['meetings', 'Meetings'],
  ['reviews', 'Reviews']
]

// The pages of FAME a step shows on screen (thumbnails in ../pages/<key>.png).
export const PAGES = {
  search: 'Find a child: the search and its results',
  record: 'The child’s record, opened with a reason',
  ask: 'Ask an agency for more information',
  caf: 'The CAF: its sections as a task list',
  meeting: 'The Team Around the Child meeting record'
}

export function pageImage (key) {
  return new URL(`../pages/${key}.png`, import.meta.url).href
}

// A practitioner's agency type, and a name in plain words, as every view reads them.
export { agencyOf, plain }

const ROLES = ['searcher', 'noticed by', 'assessor', 'by', 'decided by']

function qualified (event, qualifier) {
  const found = event.objects.find((o) => o.qualifier === qualifier)
  return found ? found.id : null
}

// How an approach works, for a simulated run; a live run is this system throughout.
export function waysOf (run) {
  if (run.live) return { finding: 'index', record: 'shared', requests: 'federated' }
  return run.ways || { finding: 'index', record: 'shared', requests: run.region && run.region.federated ? 'federated' : 'phone' }
}

// One step of someone's work: what, when, who, for which child, hours by kind, the page.
function workOf (event, ways, cafChild, cafAssessor) {
  const a = event.attributes
  const child = qualified(event, 'child') || cafChild.get(qualified(event, 'assessment') || qualified(event, 'caf'))
  const caf = qualified(event, 'assessment') || qualified(event, 'caf')
  let who = null
  for (const role of ROLES) { who = who || qualified(event, role) }
  if (!who && caf) who = cafAssessor.get(caf) || null
  const paper = ways.record === 'paper'
  const hours = {}
  let page = null
  let away = null
  switch (event.activity) {
    case 'find who is involved':
      if (a.how === 'phoned round') { hours.calls = (a.minutes || 0) / 60; away = 'By telephone' } else {
        hours.finding = (a.minutes || 0) / 60
        if (a.how === 'asked the ISA team') away = 'Asked the ISA team to search'
        else page = 'search'
      }
      break
    case 'record opened': page = 'record'; break
    case 'CAF started': if (paper) away = 'On paper'; else page = 'caf'; break
    case 'details requested': if (ways.requests === 'phone') away = 'By telephone'; else page = 'ask'; break
    case 'CAF completed':
      hours.forms = a.assessment_hours || 0
      // Asking agencies for details: calls by telephone, a form through the nodes.
      if (ways.requests === 'phone') hours.calls = a.asking_hours || 0
      else hours.forms += a.asking_hours || 0
      if (paper) away = 'On paper'; else page = 'caf'
      break
    case 'TAC meeting held': case 'TAC meeting arranged':
      if (a.hours_each) hours.meetings = a.hours_each
      if (paper) away = 'On paper'; else page = 'meeting'
      break
    case 'CAF reviewed':
      if (a.hours_each) hours.reviews = a.hours_each
      if (paper) away = 'On paper'; else page = 'caf'
      break
    case 'concern noticed': case 'decided no CAF': away = 'In person'; break
    default: return null
  }
  const agency = qualified(event, 'for') || (who ? agencyOf(who) : null)
  return { i: event.i, t: event.t, activity: event.activity, who, agency, child, caf, hours, page, away, attributes: a }
}

class People {
  constructor (run) {
    this.run = run
    this.length = run.length
    this.ways = waysOf(run)
    this.byChild = new Map() // child -> event indices
    this.byCaf = new Map() // caf -> event indices
    this.cafChild = new Map()
    this.cafAssessor = new Map()
    this.childAssessor = new Map() // who started each child's first CAF (live: no CAF ids)
    this.cafStarted = [] // [t, child] in time order
    this.tacChildren = []
    this.work = [] // each practitioner's steps, in time order
    for (let i = 0; i < run.length; i++) {
      const event = run.event(i)
      const child = qualified(event, 'child')
      const caf = qualified(event, 'assessment') || qualified(event, 'caf')
      if (child) push(this.byChild, child, i)
      if (caf) push(this.byCaf, caf, i)
      if (event.activity === 'CAF started' && child) {
        const assessor = qualified(event, 'assessor') || qualified(event, 'by')
        if (caf) { this.cafChild.set(caf, child); this.cafAssessor.set(caf, assessor) }
        if (!this.childAssessor.has(child)) this.childAssessor.set(child, assessor)
        this.cafStarted.push([event.t, child])
      }
      if (event.activity === 'TAC meeting held') {
        const whose = child || this.cafChild.get(caf)
        if (whose) this.tacChildren.push(whose)
      }
      const work = workOf(event, this.ways, this.cafChild, this.cafAssessor)
      if (work && work.who) this.work.push(work)
    }
    this.workTimes = this.work.map((w) => w.t)
  }

  // Children whose CAF had started by day t, first first, each once.
  casesBy (t) {
    const seen = new Set()
    for (const [at, child] of this.cafStarted) if (at <= t) seen.add(child)
    return [...seen]
  }

  defaultCase () {
    return this.tacChildren[0] || (this.cafStarted[0] || [])[1] || null
  }

  assessorOf (child) {
    return this.childAssessor.get(child) || null
  }

  // One child's journey, whole: from the concern that led to their (first) CAF to its end.
  journey (child) {
    const indices = new Set(this.byChild.get(child) || [])
    for (const [caf, whose] of this.cafChild) {
      if (whose === child) for (const i of this.byCaf.get(caf) || []) indices.add(i)
    }
    const events = [...indices].sort((a, b) => a - b).map((i) => this.run.event(i))
    const started = events.findIndex((e) => e.activity === 'CAF started')
    let from = 0
    if (started >= 0) {
      for (let k = started; k >= 0; k--) if (events[k].activity === 'concern noticed') { from = k; break }
    }
    return events.slice(from).map((event) => ({ ...event, step: describe(event, this.ways) }))
  }

  // The steps of practitioners for whom ``keep(who)`` holds, in (t0, t1].
  workBetween (t0, t1, keep) {
    const out = []
    for (let k = d3.bisectRight(this.workTimes, t0); k < this.work.length && this.work[k].t <= t1; k++) {
      if (keep(this.work[k].who)) out.push(this.work[k])
    }
    return out
  }
}

function push (map, key, value) {
  const list = map.get(key)
  if (list) list.push(value); else map.set(key, [value])
}

const cache = new WeakMap()

// The run's index, rebuilt when a live feed has grown.
export function people (run) {
  let found = cache.get(run)
  if (!found || found.length !== run.length) { found = new People(run); cache.set(run, found) }
  return found
}

// A step of a journey in words: {name, who, detail}.
function describe (event, ways) {
  const a = event.attributes
  const by = (qualifier) => qualified(event, qualifier)
  switch (event.activity) {
    case 'concern noticed':
      return { name: 'Concern noticed', who: by('noticed by') || by('by'), detail: a.agency_type ? `by ${plain(a.agency_type)}` : '' }
    case 'find who is involved': {
      const found = a.found !== undefined ? (a.involved !== undefined ? `found ${a.found} of ${a.involved} agencies involved` : `${a.found} found`) : ''
      return { name: 'Found who is involved', who: by('searcher') || by('by'), detail: [a.how, found].filter(Boolean).join(': ') }
    }
    case 'record opened':
      return { name: 'Record opened', who: by('by'), detail: a.purpose ? `for ${plain(a.purpose)}` : 'saw who is involved' }
    case 'CAF started':
      return { name: 'CAF started', who: by('assessor') || by('by'), detail: ways.record === 'paper' ? 'on paper' : 'shared CAF' }
    case 'details requested':
      return { name: 'Details asked for', who: by('answered by') || by('by'), detail: a.agency_type ? `from ${plain(a.agency_type)}${ways.requests === 'phone' ? ', by telephone' : ''}` : '' }
    case 'request answered':
      return { name: 'Request answered', who: by('answered by') || by('by'), detail: 'information shared' }
    case 'request refused':
      return { name: 'Request refused', who: by('answered by') || by('by'), detail: a.why || '' }
    case 'request waiting for node':
      return { name: 'Waiting for an agency’s system', who: by('answered by'), detail: 'node down' }
    case 'CAF completed':
      return { name: 'CAF completed', who: by('assessor') || by('by'), detail: a.times_told ? `family told their story ${a.times_told} time${a.times_told === 1 ? '' : 's'}` : '' }
    case 'TAC meeting held':
      return { name: 'Team Around the Child met', who: by('assessor') || by('by'), detail: a.attendees ? `${a.attendees} agencies` : '' }
    case 'lead professional agreed':
      return { name: 'Lead professional agreed', who: by('assessor') || by('by'), detail: '' }
    case 'services started':
      return { name: 'Services started', who: null, detail: '' }
    case 'CAF reviewed':
      return { name: 'CAF reviewed', who: by('assessor') || by('by'), detail: '' }
    default:
      return { name: event.activity[0].toUpperCase() + event.activity.slice(1), who: by('by') || by('decided by'), detail: a.why || '' }
  }
}
