// Client: one child and family's journey as a time line, up to the clock's time.
//
// The steps (the concern, finding who is involved, the assessment, asking other agencies,
// the meeting, services, reviews) as marks on a time axis, the waits between them in days,
// and who saw the family's information. With two runs side by side, the same child is
// shown in both, one above the other: common random numbers give them the same concern.
import { people, plain } from './cases.mjs'

const d3 = window.d3
const DAY = 1
const LANE = 15
const CHAR = 6.4 // px per character of a 12px label, near enough to keep labels apart
const COLOURS = {
  'concern noticed': '#d4351c',
  'find who is involved': '#1d70b8',
  'record opened': '#1d70b8',
  'details requested': '#4c2c92',
  'request answered': '#4c2c92',
  'request refused': '#942514',
  'request waiting for node': '#942514',
  'TAC meeting held': '#00703c',
  'services started': '#00703c'
}

export function mount (root, { player, runs, live, when, alternative }) {
  const group = root.appendChild(document.createElement('div'))
  group.className = 'govuk-form-group'
  const label = group.appendChild(document.createElement('label'))
  label.className = 'govuk-label'
  label.htmlFor = 'client-case'
  label.textContent = live ? 'Case (a pseudonym)' : 'Child whose journey to show'
  const hint = group.appendChild(document.createElement('div'))
  hint.className = 'govuk-hint'
  hint.id = 'client-case-hint'
  hint.textContent = 'Children whose CAF has started by now. Other windows showing this run follow your choice.'
  const select = group.appendChild(document.createElement('select'))
  select.className = 'govuk-select'
  select.id = 'client-case'
  select.setAttribute('aria-describedby', hint.id)
  select.addEventListener('change', () => player.select({ case: select.value }))

  const told = root.appendChild(document.createElement('p'))
  told.className = 'govuk-body-l fame-people__headline'
  const svg = d3.select(root).append('svg')
    .attr('class', 'fame-people__chart')
    .attr('role', 'img')
    .attr('aria-label', 'The journey as a time line; the tables under “In words and figures” say the same.')
  const seen = d3.select(root).append('div').attr('class', 'fame-people__seen')
  const words = runs.map((run) => alternative(`The journey step by step: ${run.label}`))

  let shownCase
  let shownOptions = ''
  let layout = null

  function chosen (state) {
    return state.selection.case || people(runs[0]).defaultCase()
  }

  function options (state, child) {
    const index = people(runs[0])
    const cases = index.casesBy(state.t)
    if (child && !cases.includes(child)) cases.push(child)
    const key = cases.join() + '|' + child
    if (key === shownOptions) return
    shownOptions = key
    select.replaceChildren(...cases.map((id) => {
      const soon = !index.casesBy(state.t).includes(id)
      return new Option(soon ? `${id} (no CAF yet)` : id, id, false, id === child)
    }))
    if (!cases.length) select.add(new Option('No child has a CAF yet', '', true, true))
  }

  player.on((state) => {
    const child = chosen(state)
    options(state, child)
    if (child !== shownCase || !layout || runs.some((run, k) => layout.lengths[k] !== run.length)) {
      shownCase = child
      layout = plan(runs, child, root.clientWidth || 960)
    }
    draw(svg, layout, state.t)
    explain(state.t)
  })

  function explain (t) {
    const parts = []
    seen.selectAll('section').data(layout.rows).join((enter) => {
      const section = enter.append('section')
      section.append('h2').attr('class', 'govuk-heading-s')
      section.append('ul').attr('class', 'govuk-list govuk-list--bullet')
      return section
    }).each(function (row, k) {
      const steps = row.steps.filter((s) => s.t <= t)
      const who = whoSaw(steps, live)
      d3.select(this).select('h2').text(`Who saw ${row.child ? row.child + '’s' : 'the'} information: ${row.run.label}`)
      d3.select(this).select('ul').selectAll('li').data(who.lines.length ? who.lines : ['No one yet.']).join('li').text((d) => d)
      if (who.told) parts.push(`${row.run.label}: the family told their story ${who.told} time${who.told === 1 ? '' : 's'}`)
      words[k].show({
        summary: row.steps.length
          ? `${row.child}: ${steps.length} of the journey’s steps so far${steps.length ? `, the last ${steps[steps.length - 1].step.name.toLowerCase()} on ${when(steps[steps.length - 1].t)}` : ''}.`
          : `${row.child || 'This child'} has no journey in this run.`,
        columns: ['Step', 'When', 'Days waited', 'Who', 'What happened'],
        rows: steps.map((s, n) => [
          s.step.name,
          when(s.t),
          n ? Math.round((s.t - steps[n - 1].t) * 10) / 10 : 0,
          s.step.who || '',
          s.step.detail
        ])
      })
    })
    told.textContent = parts.length
      ? parts.join('. ') + '.'
      : !shownCase ? 'No child has a CAF yet.' : live ? `${shownCase}: a case in the real system, by its pseudonym.` : `${shownCase}: the story has not been told yet.`
  }
}

// Everything that does not move with the clock: the rows, the scale, each label's lane.
function plan (runs, child, width) {
  const rows = runs.map((run) => ({ run, child, steps: child ? people(run).journey(child) : [] }))
  const times = rows.flatMap((row) => row.steps.map((s) => s.t))
  const live = runs[0].live
  // A simulated journey runs over weeks; a live one over the last hour or so.
  const [least, margin] = live ? [1 / 24, 5 / 1440] : [28, 3]
  const start = times.length ? (live ? d3.min(times) - margin : Math.floor(d3.min(times))) : 0
  const end = times.length ? Math.max(start + least, d3.max(times) + margin) : least
  const x = d3.scaleLinear().domain([start, end]).range([20, Math.max(400, width - 20)])
  x.label = live
    ? (d) => runs[0].date(d).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
    : (d) => `day ${d + 1}`
  x.wait = live ? (days) => `${Math.round(days * 1440)} min` : (days) => `${Math.round(days)} d`
  x.least = live ? 1 / 1440 : DAY
  let top = 0
  for (const row of rows) {
    const ends = []
    for (const s of row.steps) {
      s.label = shortLabel(s)
      const at = x(s.t)
      const wide = s.label.length * CHAR
      s.leftward = at + wide > x.range()[1] + 20 // near the right edge: the label ends at its mark
      const from = s.leftward ? at - wide - 4 : at
      let lane = ends.findIndex((e) => e < from)
      if (lane < 0) lane = ends.length < 10 ? ends.length : ends.indexOf(d3.min(ends))
      ends[lane] = from + wide + 10
      s.lane = lane
    }
    row.top = top
    row.lanes = Math.max(1, ends.length)
    row.axisY = top + 34 + row.lanes * LANE
    top = row.axisY + 56
  }
  return { rows, x, height: top, width: x.range()[1] + 20, lengths: runs.map((run) => run.length) }
}

function shortLabel (s) {
  const a = s.attributes
  if (s.activity === 'find who is involved' && a.involved !== undefined) return `Found ${a.found} of ${a.involved} agencies`
  if (s.activity === 'CAF completed' && a.times_told) return `CAF completed (story told ${a.times_told}×)`
  if (s.activity === 'details requested' && a.agency_type) return `Asked ${plain(a.agency_type)}`
  return s.step.name
}

function draw (svg, { rows, x, height, width }, t) {
  svg.attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height)
  const row = svg.selectAll('g.row').data(rows).join((enter) => {
    const g = enter.append('g').attr('class', 'row')
    g.append('text').attr('class', 'title').attr('font-weight', 700).attr('font-size', 15).attr('fill', '#0b0c0c')
    g.append('g').attr('class', 'axis')
    g.append('line').attr('class', 'rule').attr('stroke', '#b1b4b6')
    g.append('g').attr('class', 'waits')
    g.append('g').attr('class', 'steps')
    g.append('line').attr('class', 'now').attr('stroke', '#0b0c0c').attr('stroke-dasharray', '4 3')
    g.append('text').attr('class', 'waiting').attr('font-size', 12).attr('fill', '#0b0c0c')
    return g
  })
  row.select('text.title').attr('x', 0).attr('y', (r) => r.top + 16)
    .text((r) => `${r.run.label}${r.steps.length ? '' : `: ${r.child || 'this child'} has no journey here`}`)
  row.select('g.axis').attr('transform', (r) => `translate(0,${r.axisY + 24})`)
    .each(function () { d3.select(this).call(d3.axisBottom(x).ticks(8).tickFormat(x.label)) })
  row.select('line.rule').attr('x1', x.range()[0]).attr('x2', x.range()[1]).attr('y1', (r) => r.axisY).attr('y2', (r) => r.axisY)
  const inView = Math.max(x.domain()[0], Math.min(t, x.domain()[1]))
  row.select('line.now').attr('x1', x(inView)).attr('x2', x(inView))
    .attr('y1', (r) => r.top + 22).attr('y2', (r) => r.axisY + 24)
  row.each(function (r) {
    const g = d3.select(this)
    const shown = r.steps.filter((s) => s.t <= t)
    const steps = g.select('g.steps').selectAll('g.step').data(shown, (s) => s.i).join((enter) => {
      const s = enter.append('g').attr('class', 'step')
      s.append('line').attr('stroke', '#b1b4b6')
      s.append('circle').attr('r', 5)
      // A white halo keeps a label readable where another step's stem passes behind it.
      s.append('text').attr('font-size', 12).attr('fill', '#0b0c0c')
        .attr('stroke', '#ffffff').attr('stroke-width', 3).attr('paint-order', 'stroke')
      s.append('title')
      return s
    })
    steps.select('line').attr('x1', (s) => x(s.t)).attr('x2', (s) => x(s.t))
      .attr('y1', (s) => labelY(r, s) + 3).attr('y2', r.axisY)
    steps.select('circle').attr('cx', (s) => x(s.t)).attr('cy', r.axisY).attr('fill', (s) => COLOURS[s.activity] || '#505a5f')
    steps.select('text').attr('x', (s) => x(s.t) + (s.leftward ? -2 : 2)).attr('y', (s) => labelY(r, s))
      .attr('text-anchor', (s) => s.leftward ? 'end' : 'start').text((s) => s.label)
    steps.select('title').text((s) => [s.step.name, s.step.detail, s.step.who].filter(Boolean).join(': '))
    // Waits between steps a day or more apart, in days, under the line.
    const waits = []
    for (let k = 1; k < shown.length; k++) {
      const gap = shown[k].t - shown[k - 1].t
      if (gap >= x.least && x(shown[k].t) - x(shown[k - 1].t) > 30) waits.push({ from: shown[k - 1].t, to: shown[k].t, days: gap })
    }
    g.select('g.waits').selectAll('text').data(waits).join('text')
      .attr('font-size', 11).attr('fill', '#505a5f').attr('text-anchor', 'middle')
      .attr('x', (w) => x((w.from + w.to) / 2)).attr('y', r.axisY + 15).text((w) => x.wait(w.days))
    const last = shown[shown.length - 1]
    const over = !last || r.steps.length === shown.length
    g.select('text.waiting').attr('x', last ? x(last.t) + 4 : 0).attr('y', r.axisY - 4)
      .text(!over && t - last.t >= x.least ? `waiting ${x.wait(t - last.t)}` : '')
  })
}

function labelY (row, step) {
  return row.axisY - 10 - step.lane * LANE
}

// Who saw the family's information, from the steps so far.
function whoSaw (steps, live) {
  const opened = new Set()
  const asked = []
  let told = 0
  let meeting = 0
  for (const s of steps) {
    const a = s.attributes
    if (s.activity === 'record opened' && s.step.who) opened.add(s.step.who)
    if (s.activity === 'details requested') asked.push(a.agency_type ? plain(a.agency_type) : (s.step.who || 'an agency'))
    if (s.activity === 'request refused') asked[asked.length - 1] += ` (refused: ${a.why || 'no reason given'})`
    if (s.activity === 'CAF completed' && a.times_told) told = a.times_told
    if (s.activity === 'TAC meeting held' && a.attendees) meeting = a.attendees
  }
  const lines = []
  if (opened.size) lines.push(`Opened the record: ${[...opened].join(', ')}`)
  if (asked.length) lines.push(`Asked for details: ${asked.join('; ')}`)
  if (meeting) lines.push(`At the Team Around the Child meeting: ${meeting} agencies`)
  if (told) lines.push(`The family told their story ${told} time${told === 1 ? '' : 's'}`)
  if (live && !lines.length && steps.length) lines.push('This system’s own pages only; the case is a pseudonym.')
  return { lines, told }
}
