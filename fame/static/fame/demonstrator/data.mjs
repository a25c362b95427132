// What the views play: a simulated run loaded from the hub, or the live feed as it comes.
//
// Both give the same interface: events in time order (days from ``origin``), each with
// its activity, the objects it concerns (with qualifiers) and its attributes, and
// ``count(t)``, how many happened by time t. A view reads events 0..count(t)-1.
const d3 = window.d3
const DAY_MS = 86400000

class Events {
  constructor () {
    this.times = []
    this.kinds = []
    this.related = []
    this.extra = {}
    this.activities = []
    this.objects = []
    this.qualifiers = []
    this.listeners = []
  }

  get length () { return this.times.length }

  count (t) { return d3.bisectRight(this.times, t) }

  activity (i) { return this.activities[this.kinds[i]] }

  // One event, whole: {i, t, activity, objects: [{id, kind, qualifier}], attributes}.
  event (i) {
    const flat = this.related[i]
    const objects = []
    for (let k = 0; k < flat.length; k += 2) {
      const id = this.objects[flat[k]]
      objects.push({ id, kind: id.split('-', 1)[0], qualifier: this.qualifiers[flat[k + 1]] })
    }
    return {
      i,
      t: this.times[i],
      activity: this.activities[this.kinds[i]],
      objects,
      attributes: this.extra[i] || {}
    }
  }

  // The indices of events in (t0, t1].
  * between (t0, t1) {
    const end = this.count(t1)
    for (let i = this.count(t0); i < end; i++) yield i
  }

  // The moment of day ``t`` as a date.
  date (t) { return new Date(this.originMs + t * DAY_MS) }

  onEvents (listener) { this.listeners.push(listener) }
}

export class Run extends Events {
  constructor (doc) {
    super()
    Object.assign(this, {
      scenario: doc.scenario,
      description: doc.description,
      approach: doc.approach,
      label: doc.approach_label,
      ways: doc.ways, // how the approach finds, records and asks: {finding, record, requests}
      seed: doc.seed,
      replication: doc.replication,
      days: doc.days,
      end: doc.end_day,
      region: doc.region,
      series: doc.series,
      measures: doc.measures,
      live: false
    })
    this.originMs = Date.parse(doc.start)
    this.times = Float64Array.from(doc.events.t)
    this.kinds = doc.events.a
    this.related = doc.events.o
    this.extra = doc.events.x
    this.activities = doc.activities
    this.objects = doc.objects
    this.qualifiers = doc.qualifiers
  }
}

export async function loadRun (url, progress) {
  const response = await fetch(url, { credentials: 'same-origin' })
  if (!response.ok) throw new Error(`The run could not be loaded (${response.status}): ${await response.text()}`)
  if (progress) progress('Unpacking the run…')
  return new Run(await response.json())
}

// The real system's activity from the live feed (server-sent events). Time 0 is
// ``sinceSeconds`` before the page opened, so the last hour can be replayed. When the
// feed ends a connection, EventSource reconnects with the last event's id (Last-Event-ID)
// and the hub carries on after it; ``arrivals`` keeps when each event (by its audit
// sequence number) reached this page, ``repeated`` counts any that came twice.
export class Live extends Events {
  constructor (feedUrl, { sinceSeconds = 3600 } = {}) {
    super()
    this.live = true
    this.label = 'Live'
    this.originMs = Date.now() - sinceSeconds * 1000
    this.end = sinceSeconds / 86400
    this.region = null
    this.series = { isa_queue: [], coordinator_queue: [] }
    this._activityIds = new Map()
    this._objectIds = new Map()
    this._qualifierIds = new Map()
    const url = new URL(feedUrl, window.location.href)
    url.searchParams.set('since', String(sinceSeconds))
    this.arrivals = new Map()
    this.repeated = 0
    this.connections = 0
    this.skewMs = 0 // the hub's clock less this machine's
    this.source = new EventSource(url)
    this.source.addEventListener('open', () => { this.connections += 1 })
    this.source.addEventListener('clock', (message) => {
      this.skewMs = Date.parse(JSON.parse(message.data).now) - Date.now()
    })
    this.source.addEventListener('activity', (message) => {
      const seq = Number(message.lastEventId)
      if (this.arrivals.has(seq)) { this.repeated += 1; return }
      this.add(JSON.parse(message.data))
      this.arrivals.set(seq, performance.timeOrigin + performance.now())
    })
  }

  // Now, by the hub's clock, in days from time 0.
  now () { return (Date.now() + this.skewMs - this.originMs) / DAY_MS }

  _id (map, list, value) {
    let id = map.get(value)
    if (id === undefined) { id = list.length; list.push(value); map.set(value, id) }
    return id
  }

  add (data) {
    const t = (Date.parse(data.time) - this.originMs) / DAY_MS
    const i = this.count(t) // keeps time order if one arrives late
    const flat = []
    for (const object of data.objects) {
      flat.push(this._id(this._objectIds, this.objects, object.id))
      flat.push(this._id(this._qualifierIds, this.qualifiers, object.qualifier))
    }
    this.times.splice(i, 0, t)
    this.kinds.splice(i, 0, this._id(this._activityIds, this.activities, data.activity))
    this.related.splice(i, 0, flat)
    if (i !== this.times.length - 1) { // shift the sparse attributes after i
      const moved = {}
      for (const [k, v] of Object.entries(this.extra)) moved[+k >= i ? +k + 1 : k] = v
      this.extra = moved
    }
    if (data.attributes && Object.keys(data.attributes).length) this.extra[i] = data.attributes
    for (const listener of this.listeners) listener(this.event(i))
  }

  close () { this.source.close() }
}
