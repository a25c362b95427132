// Technology: the hub and the agencies' nodes, with the messages between them.
//
// The hub sits in the middle; the nodes stand in a ring, grouped by agency type (SVG, D3).
// Messages travel on a <canvas> laid over it: each takes TRAVEL_SECONDS of real time at
// the player's speed, and its position is worked out from simulated time, so pausing,
// scrubbing and stepping show the same picture. With reduced motion a message does not
// travel: it stands at its end for a second. Click a message, or choose one from the list
// of recent messages, to see what it really carries (``/demonstrator/bonnet.json``).
//
// The diagram follows the shared selection (../selection.mjs): with an agency, a
// practitioner or a case chosen in any window showing the run, its messages are drawn
// strong and the rest faint, the nodes it has touched (and, for an agency, its own nodes)
// stand out while the others are dimmed, and the recent messages are its own.
//
// For the benchmark (benchmarks/demonstrator_views.py): ``?draw=svg`` draws the messages as
// SVG circles joined by D3 instead (the obvious alternative), and
// ``window.fameDemonstrator.technology`` holds ``inFlight`` (messages moving in the last
// frame, all diagrams), ``chosenInFlight`` (those of the selection) and ``frames`` (frames
// drawn).
import { bonnetQuery, openBonnet } from './bonnet.mjs'
import { keeper, levelKey, levelOf, named } from '../selection.mjs'
import { showing } from './showing.mjs'

const d3 = window.d3
const TYPES = ['school', 'health', 'gp', 'social_care', 'police', 'youth', 'voluntary']
const TYPE_NAMES = { school: 'Schools', health: 'Health', gp: 'GPs', social_care: 'Social care', police: 'Police', youth: 'Youth', voluntary: 'Voluntary' }
const KINDS = [
  // [name, colour, what it is]
  ['search', '#1d70b8', 'Search of the index'],
  ['opened', '#5694ca', 'Record opened'],
  ['request', '#f47738', 'Details requested'],
  ['answer', '#00703c', 'Request answered'],
  ['refusal', '#d4351c', 'Request refused'],
  ['update', '#4c2c92', 'Index updated'],
  ['head', '#b58840', 'Signed tree head']
]
const K = Object.fromEntries(KINDS.map(([name], k) => [name, k]))
const TRAVEL_SECONDS = 1.2
const SHOW_SECONDS = 1
const RECENT = 8
const SIZE = 600
const HUB = 0
const ALL = -1 // a tree head goes to every node
const DAY_SECONDS = 86400
const FAINT = 0.15 // messages not of the selection
const DIMMED = 0.25 // nodes the selection has not touched

const drawSvg = new URLSearchParams(window.location.search).get('draw') === 'svg'
const hook = { inFlight: 0, frames: 0, renderer: drawSvg ? 'svg' : 'canvas', byDiagram: [], chosenByDiagram: [] }

function typeOfPractitioner (id) {
  // practitioner-<type>-<n> (simulated); a live pseudonym has no type
  const rest = id.slice('practitioner-'.length)
  const type = rest.slice(0, rest.lastIndexOf('-'))
  return TYPES.includes(type) ? type : null
}

// Where everything stands: the hub, each node in a ring by type, and each type's anchor
// (where its practitioners' searches start).
function layout (nodes, types = TYPES.filter((type) => nodes.some((n) => n.type === type))) {
  const byType = TYPES.map((type) => nodes.filter((n) => n.type === type))
  const gap = 4
  const shown = TYPES.map((type, k) => types.includes(type) ? Math.max(byType[k].length, nodes.length ? 0 : 8) : 0)
  const slots = d3.sum(shown) + gap * shown.filter((n) => n).length
  const radius = SIZE / 2 - 115
  const centre = SIZE / 2
  const angle = d3.scaleLinear().domain([0, Math.max(1, slots)]).range([-Math.PI / 2, 1.5 * Math.PI])
  const points = [{ x: centre, y: centre }] // 0: the hub
  const groups = []
  let slot = 0
  for (const [k, list] of byType.entries()) {
    if (!shown[k]) continue
    const first = slot
    for (const node of list) {
      const a = angle(slot++)
      node.index = points.length
      points.push({ x: centre + radius * Math.cos(a), y: centre + radius * Math.sin(a), node })
    }
    slot = first + shown[k] // a type with no nodes (requests by phone) keeps its place
    const middle = angle((first + slot - 1) / 2)
    groups.push({ type: TYPES[k], count: list.length, angle: middle })
    slot += gap
  }
  const anchors = {}
  for (const group of groups) {
    anchors[group.type] = points.length
    points.push({ x: centre + (radius - 40) * Math.cos(group.angle), y: centre + (radius - 40) * Math.sin(group.angle) })
  }
  anchors.anyone = points.length // live: a practitioner whose agency the feed does not say
  points.push({ x: centre, y: SIZE - 24 })
  return { points, groups, anchors, radius, centre, nodes, nodeById: new Map(nodes.map((n) => [n.id, n])) }
}

function simulatedNodes (source) {
  const nodes = []
  for (const type of TYPES) {
    const count = (source.region && source.region.federated && source.region.agencies[type]) || 0
    for (let n = 0; n < count; n++) nodes.push({ id: `node-${type}-${n}`, type, label: `${TYPE_NAMES[type]} node ${n + 1}` })
  }
  return nodes
}

async function liveNodes () {
  const response = await fetch(new URL('nodes.json', window.location.href), { credentials: 'same-origin' })
  if (!response.ok) throw new Error(`The nodes could not be loaded (${response.status}).`)
  const { nodes } = await response.json()
  return nodes.map((n) => ({ id: n.id, type: n.agency_type, label: `${n.name} (${TYPE_NAMES[n.agency_type] || n.agency_type})`, reachable: n.reachable }))
}

// The messages a run's events make, in time order, as columns; and the events that change
// a node's state (down, up, a request waiting for it).
function messagesOf (source, topo) {
  const t = []; const kind = []; const from = []; const to = []; const event = []
  const changes = []
  const endpoints = new Map()
  const requestAt = new Map() // request id -> its message number, to mark it refused
  const refused = []
  const endpoint = (id) => {
    if (endpoints.has(id)) return endpoints.get(id)
    let at = null
    if (id.startsWith('node-')) at = topo.nodeById.has(id) ? topo.nodeById.get(id).index : null
    else if (id.startsWith('practitioner-')) at = topo.anchors[typeOfPractitioner(id)] ?? topo.anchors.anyone
    endpoints.set(id, at)
    return at
  }
  const push = (i, k, a, b) => { t.push(source.times[i]); kind.push(k); from.push(a); to.push(b); event.push(i); refused.push(0) }
  for (let i = 0; i < source.length; i++) {
    const activity = source.activity(i)
    const flat = source.related[i]
    let node = null; let person = null; let request = null
    for (let k = 0; k < flat.length; k += 2) {
      const id = source.objects[flat[k]]
      if (id.startsWith('node-')) node = endpoint(id)
      else if (id.startsWith('practitioner-') && person === null) person = endpoint(id)
      else if (id.startsWith('request-')) request = id
    }
    switch (activity) {
      case 'find who is involved': {
        const how = (source.extra[i] || {}).how
        if (how !== 'phoned round') push(i, K.search, person ?? topo.anchors.anyone, HUB)
        break
      }
      case 'record opened': push(i, K.opened, person ?? topo.anchors.anyone, HUB); break
      case 'details requested':
        if (node !== null) { requestAt.set(request, t.length); push(i, K.request, HUB, node) }
        changes.push(i)
        break
      case 'request answered': if (node !== null) push(i, K.answer, node, HUB); break
      case 'request refused':
        if (node !== null) {
          push(i, K.refusal, node, HUB)
          if (requestAt.has(request)) refused[requestAt.get(request)] = 1
        }
        break
      case 'index updated': if (node !== null) push(i, K.update, node, HUB); break
      case 'tree head signed': push(i, K.head, HUB, ALL); break
      case 'node down': case 'node up': case 'node unavailable': case 'request waiting for node':
        changes.push(i)
        break
    }
  }
  // The audit log: one entry per event but the tree heads, which sign it.
  const heads = Float64Array.from(t.filter((_, k) => kind[k] === K.head))
  return {
    t: Float64Array.from(t),
    kind: Uint8Array.from(kind),
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    event: Int32Array.from(event),
    refused: Uint8Array.from(refused),
    changes,
    heads
  }
}

// The nodes' state as time runs: which are down (since when), requests waiting for each,
// the last change, and the federated requests' times to answer so far. Moving forward
// applies only the changes since; moving back starts again.
class NodeState {
  // ``unreachable``: nodes the hub cannot reach now (live), down until the feed says otherwise.
  constructor (source, changes, unreachable = []) {
    this.source = source
    this.changes = changes
    this.unreachable = unreachable
    this.reset()
  }

  reset () {
    this.at = 0 // changes applied
    this.t = -Infinity
    this.down = new Map(this.unreachable.map((id) => [id, 0]))
    this.waiting = new Map() // request -> node id
    this.last = null
    this.seconds = []
  }

  advance (t) {
    if (t < this.t) this.reset()
    this.t = t
    const { source, changes } = this
    while (this.at < changes.length && source.times[changes[this.at]] <= t) {
      const e = source.event(changes[this.at++])
      const node = e.objects.find((o) => o.kind === 'node')
      const request = e.objects.find((o) => o.kind === 'request')
      if (e.activity === 'node down' || e.activity === 'node unavailable') {
        if (node) { this.down.set(node.id, e.t); this.last = e }
      } else if (e.activity === 'node up') {
        if (node) { this.down.delete(node.id); this.last = e }
      } else if (e.activity === 'request waiting for node') {
        if (node && request) this.waiting.set(request.id, node.id)
      } else if (e.activity === 'details requested') {
        if (request) this.waiting.delete(request.id)
        if (e.attributes.seconds !== undefined) this.seconds.push(e.attributes.seconds)
      }
    }
    return this
  }

  get waitingBy () { return d3.rollup([...this.waiting.values()], (v) => v.length, (id) => id) }
}

function unreachable (topo) {
  return topo.nodes.filter((n) => n.reachable === false).map((n) => n.id)
}

function diagram (root, source, context, number) {
  const { player, when } = context
  const box = root.appendChild(document.createElement('div'))
  box.className = 'fame-technology__run'
  const heading = box.appendChild(document.createElement('h2'))
  heading.className = 'govuk-heading-m'
  heading.textContent = source.label
  const row = box.appendChild(document.createElement('div'))
  row.className = 'fame-technology__row'
  const stage = row.appendChild(document.createElement('div'))
  stage.className = 'fame-technology__stage'
  const panel = row.appendChild(document.createElement('div'))
  panel.className = 'fame-technology__panel'
  const words = context.alternative(`The hub and the nodes: ${source.label}`)
  const state = { box, stage, panel, words, topo: null, table: null }
  hook.byDiagram[number] = 0

  const types = source.live ? undefined : TYPES.filter((type) => source.region.agencies[type])
  const ready = (source.live ? liveNodes() : Promise.resolve(simulatedNodes(source))).then((nodes) => {
    state.topo = layout(nodes, types)
    state.table = messagesOf(source, state.topo)
    state.nodeState = new NodeState(source, state.table.changes, unreachable(state.topo))
    draw()
    if (source.live) {
      let pending = null
      source.onEvents(() => {
        if (pending) return
        pending = setTimeout(() => { pending = null; state.table = messagesOf(source, state.topo); state.nodeState = new NodeState(source, state.table.changes, unreachable(state.topo)); state.chosenFor = null; state.dirty = true }, 500)
      })
    }
  })

  function draw () {
    const { topo } = state
    const svg = d3.select(stage).append('svg')
      .attr('viewBox', `0 0 ${SIZE} ${SIZE}`).attr('class', 'fame-technology__svg')
      .attr('role', 'img')
      .attr('aria-label', `The hub and ${topo.nodes.length} nodes of ${source.label}; the table below says the same in words.`)
    svg.append('circle').attr('cx', topo.centre).attr('cy', topo.centre).attr('r', 26).attr('class', 'fame-technology__hub')
    svg.append('text').attr('x', topo.centre).attr('y', topo.centre + 5).attr('text-anchor', 'middle').attr('class', 'fame-technology__hub-label').text('Hub')
    const labelRadius = topo.radius + 30
    svg.append('g').selectAll('text').data(topo.groups).join('text')
      .attr('x', (g) => topo.centre + labelRadius * Math.cos(g.angle))
      .attr('y', (g) => topo.centre + labelRadius * Math.sin(g.angle) + 4)
      .attr('text-anchor', (g) => Math.abs(Math.cos(g.angle)) < 0.3 ? 'middle' : Math.cos(g.angle) > 0 ? 'start' : 'end')
      .attr('class', 'fame-technology__type')
      .text((g) => g.count ? `${TYPE_NAMES[g.type] || g.type} (${g.count})` : TYPE_NAMES[g.type] || g.type)
    state.nodes = svg.append('g').selectAll('circle').data(topo.points.filter((p) => p.node)).join('circle')
      .attr('cx', (p) => p.x).attr('cy', (p) => p.y).attr('r', 3.5)
      .attr('class', 'fame-technology__node')
    state.marks = svg.append('g')
    if (!topo.nodes.length) {
      svg.append('text').attr('x', topo.centre).attr('y', 40).attr('text-anchor', 'middle').attr('class', 'fame-technology__type')
        .text(source.live ? 'No nodes are registered with this hub.' : 'This approach has no nodes: requests go by phone.')
    }
    if (drawSvg) {
      state.flying = svg.append('g')
    } else {
      const canvas = stage.appendChild(document.createElement('canvas'))
      canvas.className = 'fame-technology__canvas'
      const scale = window.devicePixelRatio || 1
      canvas.width = SIZE * scale
      canvas.height = SIZE * scale
      canvas.setAttribute('aria-hidden', 'true')
      state.canvas = canvas
      state.ctx = canvas.getContext('2d')
      state.ctx.scale(scale, scale)
      canvas.addEventListener('click', (event) => pick(event))
    }
    legend()
    sidePanel()
    update(player.state, 'start')
  }

  function legend () {
    const list = state.panel.appendChild(document.createElement('ul'))
    list.className = 'govuk-list fame-technology__legend'
    for (const [, colour, name] of KINDS) {
      const item = list.appendChild(document.createElement('li'))
      const swatch = item.appendChild(document.createElement('span'))
      swatch.className = 'fame-technology__swatch'
      swatch.style.backgroundColor = colour
      item.appendChild(document.createTextNode(name))
    }
  }

  function sidePanel () {
    const figures = state.panel.appendChild(document.createElement('dl'))
    figures.className = 'govuk-summary-list govuk-summary-list--no-border fame-technology__figures'
    state.figures = {}
    for (const [key, name] of [['moving', 'Messages moving'], ['rate', 'Messages a minute (simulated time)'], ['audit', source.live ? 'Audit log entries of the activity shown, this hour' : 'Audit log entries'], ['latency', 'Federated requests: time to answer'], ['down', 'Nodes down'], ['waiting', 'Requests waiting for a node (circuit breaker)']]) {
      const row = figures.appendChild(document.createElement('div'))
      row.className = 'govuk-summary-list__row'
      const dt = row.appendChild(document.createElement('dt'))
      dt.className = 'govuk-summary-list__key'
      dt.textContent = name
      const dd = row.appendChild(document.createElement('dd'))
      dd.className = 'govuk-summary-list__value'
      state.figures[key] = dd
    }
    // The audit log growing, as a small line (D3).
    const w = 260; const h = 80
    const chart = d3.select(state.panel).append('svg').attr('viewBox', `0 0 ${w} ${h + 20}`).attr('class', 'fame-technology__chart')
      .attr('role', 'img').attr('aria-label', 'The audit log’s size over time (figures above)')
    const days = source.live ? Math.max(source.end, 1 / 24) : source.days
    const samples = d3.range(0, 121).map((k) => (k / 120) * days)
    const sizes = samples.map((t) => auditSize(t))
    state.chart = {
      x: d3.scaleLinear().domain([0, days]).range([4, w - 4]),
      y: d3.scaleLinear().domain([0, Math.max(1, d3.max(sizes))]).range([h, 4]),
      samples,
      sizes,
      path: chart.append('path').attr('class', 'fame-technology__line')
    }
    chart.append('text').attr('x', 4).attr('y', h + 16).attr('class', 'fame-technology__axis').text('Audit log size, from the start')
    const heading = state.panel.appendChild(document.createElement('h3'))
    heading.className = 'govuk-heading-s govuk-!-margin-top-4'
    heading.textContent = 'Recent messages'
    state.recentHeading = heading
    const hint = state.panel.appendChild(document.createElement('p'))
    hint.className = 'govuk-body-s'
    hint.textContent = 'Choose one to see what it carries. The list holds still while you are in it.'
    state.recent = state.panel.appendChild(document.createElement('ul'))
    state.recent.className = 'govuk-list fame-technology__recent'
  }

  // The messages of ``level`` (null: every message) and when each node was first touched
  // by one of them; an agency's own nodes count as touched from the start.
  function choose (level) {
    const { table, topo } = state
    const keep = keeper(source, level)
    state.chosen = null
    state.touched = null
    if (!keep) return
    const chosen = new Uint8Array(table.t.length)
    const touched = new Map()
    if (level.kind === 'agency') for (const node of topo.nodes) if (node.type === level.id) touched.set(node.index, -Infinity)
    for (let m = 0; m < table.t.length; m++) {
      if (table.kind[m] === K.head || !keep(source.event(table.event[m]))) continue
      chosen[m] = 1
      for (const at of [table.from[m], table.to[m]]) {
        if (at > HUB && topo.points[at].node && !touched.has(at)) touched.set(at, table.t[m])
      }
    }
    state.chosen = chosen
    state.touched = touched
  }

  function auditSize (t) {
    const { heads } = state.table
    return source.count(t) - d3.bisectRight(heads, t)
  }

  // How far back in simulated time messages are still moving (or, reduced, still shown).
  function span (speed) {
    return (player.reducedMotion ? SHOW_SECONDS : TRAVEL_SECONDS) * speed / DAY_SECONDS
  }

  function frame (t, speed) {
    const { table, topo } = state
    const back = span(speed)
    const i0 = d3.bisectRight(table.t, t - back)
    const i1 = d3.bisectRight(table.t, t)
    const nodeCount = topo.nodes.length
    const points = topo.points
    let total = 0
    for (let m = i0; m < i1; m++) total += table.to[m] === ALL ? nodeCount : 1
    if (!state.buffer || state.buffer.xs.length < total) {
      const size = Math.max(1024, total * 2)
      state.buffer = { xs: new Float32Array(size), ys: new Float32Array(size), ks: new Uint8Array(size), ms: new Int32Array(size) }
    }
    const { xs, ys, ks, ms } = state.buffer
    const { chosen } = state
    let j = 0
    let ofChosen = 0
    for (let m = i0; m < i1; m++) {
      if (chosen && chosen[m]) ofChosen++
      const p = player.reducedMotion ? 1 : d3.easeCubicInOut(Math.min(1, (t - table.t[m]) / back))
      const a = points[table.from[m]]
      const k = table.kind[m]
      if (table.to[m] === ALL) {
        for (let n = 1; n <= nodeCount; n++, j++) {
          const b = points[n]
          xs[j] = a.x + (b.x - a.x) * p; ys[j] = a.y + (b.y - a.y) * p; ks[j] = k; ms[j] = m
        }
      } else {
        const b = points[table.to[m]]
        xs[j] = a.x + (b.x - a.x) * p; ys[j] = a.y + (b.y - a.y) * p; ks[j] = k; ms[j] = m
        j++
      }
    }
    state.drawn = { xs, ys, ms, count: total }
    const strong = (j) => !chosen || chosen[ms[j]] === 1
    if (drawSvg) {
      state.flying.selectAll('circle').data(xs.subarray(0, total)).join('circle')
        .attr('cx', (x) => x).attr('cy', (_, j) => ys[j]).attr('r', 2.5)
        .attr('fill', (_, j) => KINDS[ks[j]][1])
        .attr('fill-opacity', (_, j) => strong(j) ? 1 : FAINT)
    } else {
      const ctx = state.ctx
      ctx.clearRect(0, 0, SIZE, SIZE)
      // The selection's messages last, over the faint rest.
      for (const drawStrong of chosen ? [false, true] : [true]) {
        ctx.globalAlpha = drawStrong ? 1 : FAINT
        for (let k = 0; k < KINDS.length; k++) {
          ctx.fillStyle = KINDS[k][1]
          ctx.beginPath()
          const half = k === K.head ? 1.5 : 2.5 // tree heads fan out to every node: smaller
          for (let j = 0; j < total; j++) if (ks[j] === k && strong(j) === drawStrong) ctx.rect(xs[j] - half, ys[j] - half, 2 * half, 2 * half)
          ctx.fill()
        }
      }
      ctx.globalAlpha = 1
    }
    return { moving: total, ofChosen, i0, i1 }
  }

  function nodeLabel (id) { return state.topo.nodeById.get(id)?.label || id }

  function describe (m) {
    const { table, topo } = state
    const name = KINDS[table.kind[m]][2]
    const end = (at) => at === HUB ? 'the hub' : at === ALL ? 'every node' : topo.points[at].node ? topo.points[at].node.label : `${TYPE_NAMES[Object.keys(topo.anchors).find((k) => topo.anchors[k] === at)] || 'a practitioner'}`
    const moment = d3.timeFormat('%a %-d %b %H:%M')(source.date(table.t[m]))
    return `${moment}: ${name}, ${end(table.from[m])} to ${end(table.to[m])}`
  }

  function typeAt (at) {
    const node = state.topo.points[at] && state.topo.points[at].node
    return node && TYPES.includes(node.type) ? node.type : 'health'
  }

  function open (m) {
    const { table } = state
    const kind = KINDS[table.kind[m]][0]
    const nodeEnd = table.from[m] === HUB ? table.to[m] : table.from[m]
    const query = bonnetQuery({
      kind,
      agencyType: nodeEnd === ALL ? TYPES.find((t) => state.topo.anchors[t] !== undefined) || 'health' : typeAt(nodeEnd),
      refused: table.refused[m] === 1,
      size: auditSize(table.t[m])
    })
    openBonnet(context.bonnet, { title: describe(m), query, kind })
  }

  function pick (event) {
    if (!state.drawn) return
    const rect = state.canvas.getBoundingClientRect()
    const x = (event.clientX - rect.left) * SIZE / rect.width
    const y = (event.clientY - rect.top) * SIZE / rect.height
    const { xs, ys, ms, count } = state.drawn
    let best = -1; let bestDistance = 64 // within 8 px
    for (let j = 0; j < count; j++) {
      const d = (xs[j] - x) ** 2 + (ys[j] - y) ** 2
      if (d < bestDistance) { best = j; bestDistance = d }
    }
    if (best >= 0) open(ms[best])
  }

  let recentShown = -Infinity
  function showRecent (i1, why) {
    const list = state.recent
    if (list.contains(document.activeElement)) return
    if (why === 'tick' && performance.now() - recentShown < 1000) return
    recentShown = performance.now()
    const { table, chosen } = state
    const items = []
    for (let m = i1 - 1; m >= 0 && items.length < RECENT; m--) {
      if (chosen && !chosen[m]) continue
      const li = document.createElement('li')
      const button = li.appendChild(document.createElement('button'))
      button.type = 'button'
      button.className = 'govuk-button govuk-button--secondary govuk-!-margin-bottom-1 fame-technology__message'
      button.textContent = describe(m)
      button.dataset.kind = KINDS[table.kind[m]][0]
      button.addEventListener('click', () => open(m))
      items.push(li)
    }
    list.replaceChildren(...items)
    state.recentHeading.textContent = chosen ? `Recent messages of ${named(state.level)}` : 'Recent messages'
  }

  let lastSlow = -Infinity
  let nodesShown = ''
  function update (s, why) {
    if (!state.table || !state.nodes) return
    const level = levelOf(s.selection)
    if (levelKey(level) !== state.chosenFor) {
      choose(level)
      state.level = level
      state.chosenFor = levelKey(level)
      state.dirty = true
    }
    const { moving, ofChosen, i1 } = frame(s.t, s.speed)
    hook.byDiagram[number] = moving
    hook.chosenByDiagram[number] = state.chosen ? ofChosen : moving
    const now = performance.now()
    if (why === 'tick' && now - lastSlow < 250 && !state.dirty) return
    state.dirty = false
    lastSlow = now
    const nodeState = state.nodeState.advance(s.t)
    const { down, last, seconds } = nodeState
    const waitingBy = nodeState.waitingBy
    const touched = state.touched
    const lit = (p) => !touched || touched.get(p.node.index) <= s.t
    const litCount = touched ? state.topo.nodes.filter((node) => touched.get(node.index) <= s.t).length : state.topo.nodes.length
    const key = [...down.keys(), '|', ...waitingBy.entries(), '|', state.chosenFor, litCount].join(',')
    if (key !== nodesShown) {
      nodesShown = key
      state.nodes
        .classed('fame-technology__node--down', (p) => down.has(p.node.id))
        .classed('fame-technology__node--waiting', (p) => waitingBy.has(p.node.id))
        .attr('r', (p) => down.has(p.node.id) || waitingBy.has(p.node.id) ? 6 : 3.5)
        .classed('fame-technology__node--dimmed', (p) => !lit(p))
        .attr('opacity', (p) => lit(p) ? null : DIMMED)
      const marked = state.topo.points.filter((p) => p.node && (down.has(p.node.id) || waitingBy.has(p.node.id)))
      state.marks.selectAll('text').data(marked, (p) => p.node.id).join('text')
        .attr('x', (p) => p.x + (p.x < state.topo.centre ? -10 : 10))
        .attr('y', (p) => p.y + 4)
        .attr('text-anchor', (p) => p.x < state.topo.centre ? 'end' : 'start')
        .attr('class', 'fame-technology__mark')
        .text((p) => `${down.has(p.node.id) ? 'down' : 'up'}${waitingBy.has(p.node.id) ? `, ${waitingBy.get(p.node.id)} waiting` : ''}`)
    }
    const { table } = state
    const hour = d3.bisectRight(table.t, s.t) - d3.bisectRight(table.t, s.t - 1 / 24)
    const headsInHour = d3.bisectRight(table.heads, s.t) - d3.bisectRight(table.heads, s.t - 1 / 24)
    const perMinute = (hour + headsInHour * (state.topo.nodes.length - 1)) / 60 // a head goes to every node
    const audit = auditSize(s.t)
    const waitingTotal = d3.sum(waitingBy.values())
    const f = state.figures
    f.moving.textContent = state.chosen ? `${moving.toLocaleString('en-GB')} (${ofChosen.toLocaleString('en-GB')} for ${named(state.level)})` : moving.toLocaleString('en-GB')
    f.rate.textContent = perMinute.toLocaleString('en-GB', { maximumFractionDigits: 1 })
    f.audit.textContent = audit.toLocaleString('en-GB')
    f.latency.textContent = seconds.length ? `${seconds.length} so far; mean ${d3.mean(seconds).toFixed(2)} s, slowest ${d3.max(seconds).toFixed(2)} s` : 'None yet'
    f.down.textContent = down.size ? [...down.keys()].map(nodeLabel).join(', ') : 'None'
    f.waiting.textContent = String(waitingTotal)
    const c = state.chart
    const shown = c.samples.map((t, k) => [t, c.sizes[k]]).filter(([t]) => t <= s.t).concat([[Math.min(s.t, c.x.domain()[1]), audit]])
    c.path.attr('d', d3.line().x((d) => c.x(d[0])).y((d) => c.y(d[1]))(shown))
    showRecent(i1, why)
    const lastChange = last ? `Last node change: ${nodeLabel(last.objects.find((o) => o.kind === 'node').id)} ${last.activity === 'node up' ? 'came back up' : 'went down'}, ${when(last.t)}.` : 'No node has gone down yet.'
    const rows = TYPES.filter((type) => state.topo.anchors[type] !== undefined).map((type) => {
      const ids = state.topo.nodes.filter((n) => n.type === type).map((n) => n.id)
      return [TYPE_NAMES[type], ids.length, ids.filter((id) => down.has(id)).length, d3.sum(ids, (id) => waitingBy.get(id) || 0)]
    })
    words.show({
      summary: `${when(s.t)}. ${moving.toLocaleString('en-GB')} messages moving.${state.chosen ? ` Of them ${ofChosen.toLocaleString('en-GB')} for ${named(state.level)}. Highlighted: ${litCount} of ${state.topo.nodes.length} nodes (touched by its messages so far${state.level.kind === 'agency' ? ', or its own' : ''}); the rest are dimmed.` : ''} Nodes down: ${down.size ? [...down.keys()].map(nodeLabel).join(', ') : 'none'}. ${last ? lastChange : 'No node has gone down yet.'} Requests waiting for a node: ${waitingTotal}. Audit log: ${audit.toLocaleString('en-GB')} ${audit === 1 ? 'entry' : 'entries'}.`,
      columns: ['Agency type', 'Nodes', 'Down', 'Requests waiting'],
      rows
    }, { now: why !== 'tick' })
  }

  ready.catch((error) => { stage.textContent = error.message })
  return { update, state }
}

export function mount (root, context) {
  window.fameDemonstrator.technology = hook
  const caption = showing(root, context.player)
  const wrapper = root.appendChild(document.createElement('div'))
  wrapper.className = 'fame-technology'
  context.bonnet = root.appendChild(document.createElement('section'))
  context.bonnet.className = 'fame-bonnet'
  context.bonnet.hidden = true
  const diagrams = context.runs.map((source, k) => diagram(wrapper, source, context, k))
  context.player.on((state, why) => {
    caption.show()
    for (const d of diagrams) d.update(state, why)
    hook.inFlight = d3.sum(hook.byDiagram)
    hook.chosenInFlight = d3.sum(hook.chosenByDiagram)
    hook.frames++
  })
}
