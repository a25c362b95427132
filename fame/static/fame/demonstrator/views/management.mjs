// Management: the measures as charts that fill in as time runs. Two runs are drawn side by
// side on the same scales, so the room sees the difference; each chart has its words and
// figures below, a download as SVG or PNG, and the intervals over many runs follow. The
// charts follow the shared selection: an agency, a practitioner or a case chosen in any
// window showing the run, and they count only its events, as the caption above them says.
import { HOURS, Tally, DAYS_PER_QUARTER } from '../tally.mjs'
import { keeper, levelOf, named } from '../selection.mjs'
import { showing } from './showing.mjs'
import { downloads } from '../export.mjs'
import { intervals } from '../intervals.mjs'

const d3 = window.d3
const WIDTH = 960
const HEIGHT = 300
const MARGIN = { top: 70, right: 16, bottom: 36, left: 52 }
const GAP = 36
const DRAW_EVERY_MS = 200
const AGENCIES = ['school', 'health', 'gp', 'social_care', 'police', 'youth', 'voluntary']
const AGENCY_NAMES = { school: 'School', health: 'Health', gp: 'GP', social_care: 'Social care', police: 'Police', youth: 'Youth', voluntary: 'Voluntary' }
const colour = d3.scaleOrdinal(AGENCIES, d3.schemeTableau10)
const HOUR_COLOURS = d3.scaleOrdinal(HOURS.map(([key]) => key), ['#1d70b8', '#00703c', '#f47738', '#4c2c92', '#d4351c'])
const QUEUES = [['isa_queue', 'ISA team', '#1d70b8'], ['coordinator_queue', 'CAF co-ordinators', '#d4351c']]
const REASONS = ['no consent in force', 'no protocol names both agencies']
const number = (n) => n.toLocaleString('en-GB', { maximumFractionDigits: 1 })
// Whose figures a summary gives: nothing for the whole region, else ", for <the level>".
const scope = (level) => level.kind === 'region' ? '' : `, for ${named(level)}`
const NOT_SPLIT = 'The queues at the ISA team and for a CAF co-ordinator are the whole region’s: who waits is not split by selection.'
const INTERVALS_NOT_SPLIT = 'So are the intervals over many runs, below the charts.'

// One chart: a heading, an SVG with a panel per run (the same scales), its downloads and
// its text alternative.
function chart (root, context, { key, title, about, items }) {
  const section = root.appendChild(document.createElement('section'))
  section.className = 'govuk-!-margin-bottom-6'
  section.dataset.chart = key
  const heading = section.appendChild(document.createElement('h2'))
  heading.className = 'govuk-heading-m govuk-!-margin-bottom-1'
  heading.id = `chart-${key}`
  heading.textContent = title
  const hint = section.appendChild(document.createElement('p'))
  hint.className = 'govuk-body-s govuk-!-margin-bottom-1'
  hint.textContent = `${about} The figures are under “In words and figures”.`
  const svg = d3.select(section).append('svg')
    .attr('viewBox', `0 0 ${WIDTH} ${HEIGHT}`)
    .attr('width', '100%')
    .attr('role', 'img')
    .attr('aria-labelledby', heading.id)
    .attr('font-family', 'Arial, sans-serif')
    .attr('font-size', 12)
    .style('max-width', `${WIDTH * 1.25}px`)
    .style('display', 'block')
  legend(svg, items)
  const scenario = context.runs[0].scenario || 'live'
  downloads(section, svg.node(), { title, file: `fame-${scenario}-${key}` })
  const runs = context.runs
  const inner = (WIDTH - MARGIN.left - MARGIN.right - GAP * (runs.length - 1)) / runs.length
  const panels = runs.map((run, k) => {
    const g = svg.append('g').attr('transform', `translate(${MARGIN.left + k * (inner + GAP)},${MARGIN.top})`)
    g.append('text').attr('y', -30).attr('font-weight', 700).attr('font-size', 13).text(run.label)
    return { run, g, x: g.append('g').attr('transform', `translate(0,${HEIGHT - MARGIN.top - MARGIN.bottom})`), y: g.append('g'), marks: g.append('g') }
  })
  return { svg, panels, width: inner, height: HEIGHT - MARGIN.top - MARGIN.bottom, words: context.alternative(title) }
}

// The chart's legend, once across its top (every panel shares it), each item after the last.
function legend (svg, items) {
  let x = MARGIN.left
  for (const { label, colour: fill } of items) {
    const item = svg.append('g').attr('transform', `translate(${x},16)`)
    item.append('rect').attr('width', 10).attr('height', 10).attr('y', -9).attr('fill', fill)
    const text = item.append('text').attr('x', 14).attr('fill', '#0b0c0c').text(label)
    x += 14 + text.node().getComputedTextLength() + 18
  }
}

// The days a time axis spans: the run's, or for live views the time shown so far.
function span ({ live, player, runs }) {
  return live ? player.end : Math.max(...runs.map((r) => r.days || 1))
}

// Days into the run; for live views, the time of day.
function timeAxis (panel, x, { live, runs }) {
  const clock = (d) => runs[0].date(d).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
  panel.x.call(d3.axisBottom(x).ticks(6).tickFormat(live ? clock : (d) => d === 0 ? '0' : `day ${d}`))
}

// CAFs completed per quarter, stacked by the agency that started them.
function cafsChart (root, context) {
  const c = chart(root, context, { key: 'cafs', title: 'CAFs completed per quarter, by the agency that started them', about: 'Stacked bars, one a quarter, filling in as CAFs are completed.', items: AGENCIES.map((a) => ({ label: AGENCY_NAMES[a], colour: colour(a) })) })
  const quarters = Math.ceil(Math.max(...context.runs.map((r) => r.days || 365)) / DAYS_PER_QUARTER - 1e-9)
  const x = d3.scaleBand(d3.range(quarters), [0, c.width]).padding(0.25)
  return (tallies, when, level) => {
    const most = d3.max(tallies, (t) => d3.max(t.quarters, (q) => d3.sum(Object.values(q)))) || 1
    const y = d3.scaleLinear([0, most], [c.height, 0]).nice()
    c.panels.forEach((panel, k) => {
      const rows = d3.range(quarters).map((q) => ({ quarter: q, ...(tallies[k].quarters[q] || {}) }))
      const stacked = d3.stack().keys(AGENCIES).value((d, key) => d[key] || 0)(rows)
      panel.x.call(d3.axisBottom(x).tickFormat((q) => `Quarter ${q + 1}`))
      panel.y.call(d3.axisLeft(y).ticks(Math.min(5, y.domain()[1]), 'd'))
      panel.marks.selectAll('g').data(stacked, (s) => s.key).join('g').attr('fill', (s) => colour(s.key))
        .selectAll('rect').data((s) => s).join('rect')
        .attr('x', (d) => x(d.data.quarter)).attr('width', x.bandwidth())
        .attr('y', (d) => y(d[1])).attr('height', (d) => y(d[0]) - y(d[1]))
    })
    c.words.show({
      summary: `By ${when}${scope(level)}: ${tallies.map((t, k) => `${context.runs[k].label}, ${t.cafs()} CAFs completed`).join('; ')}.`,
      columns: ['Quarter and approach', ...AGENCIES.map((a) => AGENCY_NAMES[a]), 'All'],
      rows: d3.range(quarters).flatMap((q) => tallies.map((t, k) => {
        const counts = t.quarters[q] || {}
        return [`Quarter ${q + 1}, ${context.runs[k].label}`, ...AGENCIES.map((a) => counts[a] || 0), d3.sum(Object.values(counts))]
      }))
    })
  }
}

// Days from concern to the first TAC meeting: a point per case, and the running mean.
function meetingChart (root, context) {
  const c = chart(root, context, { key: 'days-to-meeting', title: 'Days from concern to the first TAC meeting', about: 'A point for each case when its first meeting is held; the line is the mean so far.', items: [{ label: 'A case', colour: '#1d70b8' }, { label: 'Mean so far', colour: '#0b0c0c' }] })
  const x = d3.scaleLinear([0, 1], [0, c.width])
  return (tallies, when, level) => {
    x.domain([0, span(context)])
    const y = d3.scaleLinear([0, d3.max(tallies, (t) => d3.max(t.toMeeting, (d) => d.days)) || 10], [c.height, 0]).nice()
    const line = d3.line().x((d) => x(d.t)).y((d) => y(d.mean)).curve(d3.curveStepAfter)
    c.panels.forEach((panel, k) => {
      timeAxis(panel, x, context)
      panel.y.call(d3.axisLeft(y).ticks(5))
      const points = tallies[k].toMeeting
      panel.marks.selectAll('circle').data(points).join('circle')
        .attr('cx', (d) => x(d.t)).attr('cy', (d) => y(d.days)).attr('r', 3.5)
        .attr('fill', '#1d70b8').attr('fill-opacity', 0.7)
      panel.marks.selectAll('path').data([points]).join('path')
        .attr('d', (d) => d.length ? line(d) : null).attr('fill', 'none').attr('stroke', '#0b0c0c').attr('stroke-width', 2)
    })
    const facts = tallies.map((t) => {
      const values = t.toMeeting.map((d) => d.days)
      return values.length ? [values.length, d3.mean(values), d3.median(values), d3.max(values)] : [0, '–', '–', '–']
    })
    c.words.show({
      summary: `By ${when}${scope(level)}: ${tallies.map((t, k) => `${context.runs[k].label}, ${facts[k][0]} first meetings, ${facts[k][0] ? `${number(facts[k][1])} days on average` : 'none yet'}`).join('; ')}.`,
      columns: ['Approach', 'First meetings held', 'Mean days', 'Median days', 'Longest (days)'],
      rows: facts.map((f, k) => [context.runs[k].label, ...f.map((v) => typeof v === 'number' ? Math.round(v * 10) / 10 : v)])
    })
  }
}

// Practitioner hours spent, cumulative, stacked by what they were spent on.
function hoursChart (root, context) {
  const c = chart(root, context, { key: 'hours', title: 'Practitioner hours spent so far', about: 'Stacked areas: finding who is involved, assessing, asking for details, meetings and reviews.', items: HOURS.map(([key, label]) => ({ label, colour: HOUR_COLOURS(key) })) })
  const x = d3.scaleLinear([0, 1], [0, c.width])
  const keys = HOURS.map(([key]) => key)
  return (tallies, when, level) => {
    x.domain([0, span(context)])
    const total = (t) => d3.sum(keys, (key) => t.spent[key])
    const y = d3.scaleLinear([0, d3.max(tallies, total) || 1], [c.height, 0]).nice()
    const area = d3.area().x((d) => x(d.data.t)).y0((d) => y(d[0])).y1((d) => y(d[1]))
    c.panels.forEach((panel, k) => {
      const t = tallies[k]
      const points = [{ t: 0, ...Object.fromEntries(keys.map((key) => [key, 0])) }, ...t.hours, { t: t.t, ...t.spent }]
      timeAxis(panel, x, context)
      panel.y.call(d3.axisLeft(y).ticks(5, ',.0f'))
      panel.marks.selectAll('path').data(d3.stack().keys(keys)(points), (s) => s.key).join('path')
        .attr('d', area).attr('fill', (s) => HOUR_COLOURS(s.key)).attr('fill-opacity', 0.85)
    })
    c.words.show({
      summary: `By ${when}${scope(level)}: ${tallies.map((t, k) => `${context.runs[k].label}, ${number(total(t))} practitioner hours`).join('; ')}.`,
      columns: ['Hours spent on', ...context.runs.map((r) => r.label)],
      rows: [...HOURS.map(([key, label]) => [label, ...tallies.map((t) => Math.round(t.spent[key]))]), ['All', ...tallies.map((t) => Math.round(total(t)))]]
    })
  }
}

// People waiting at the ISA team and for a CAF co-ordinator, as the queues change.
function queueChart (root, context) {
  const c = chart(root, context, { key: 'queues', title: 'Waiting at the ISA team and for a CAF co-ordinator', about: 'Step lines: how many are waiting at each moment.', items: QUEUES.map(([, label, stroke]) => ({ label, colour: stroke })) })
  const x = d3.scaleLinear([0, 1], [0, c.width])
  return (tallies, when, level) => {
    x.domain([0, span(context)])
    const shown = tallies.map((t) => QUEUES.map(([name]) => t.queue(name)))
    const y = d3.scaleLinear([0, Math.max(1, d3.max(shown.flat(2), (d) => d[1]))], [c.height, 0]).nice()
    const line = d3.line().x((d) => x(d[0])).y((d) => y(d[1])).curve(d3.curveStepAfter)
    c.panels.forEach((panel, k) => {
      timeAxis(panel, x, context)
      panel.y.call(d3.axisLeft(y).ticks(Math.min(5, y.domain()[1]), 'd'))
      panel.marks.selectAll('path').data(shown[k]).join('path')
        .attr('d', line).attr('fill', 'none').attr('stroke', (_, q) => QUEUES[q][2]).attr('stroke-width', 1.5)
    })
    const facts = (q) => shown.map((queues) => {
      const points = queues[q]
      return `${points[points.length - 1][1]} now, at most ${d3.max(points, (d) => d[1])}`
    })
    c.words.show({
      summary: `At ${when}${level.kind === 'region' ? '' : ' (the whole region’s queues)'}: ${QUEUES.map(([, label], q) => `${label}: ${facts(q).map((f, k) => `${context.runs[k].label} ${f}`).join(', ')}`).join('; ')}.`,
      columns: ['Waiting', ...context.runs.map((r) => r.label)],
      rows: QUEUES.map(([, label], q) => [label, ...facts(q)])
    })
  }
}

// Requests for details refused, and why.
function refusalChart (root, context) {
  const c = chart(root, context, { key: 'refusals', title: 'Requests for details refused, and why', about: 'Bars: requests refused for each reason so far.', items: [{ label: 'Requests refused', colour: '#d4351c' }] })
  const x = d3.scaleBand(REASONS, [0, c.width]).padding(0.35)
  return (tallies, when, level) => {
    const y = d3.scaleLinear([0, 1.2 * Math.max(1, d3.max(tallies, (t) => d3.max(REASONS, (r) => t.refused.get(r) || 0)))], [c.height, 0]).nice()
    c.panels.forEach((panel, k) => {
      const t = tallies[k]
      panel.x.call(d3.axisBottom(x).tickFormat((r) => r[0].toUpperCase() + r.slice(1)))
      panel.y.call(d3.axisLeft(y).ticks(Math.min(5, y.domain()[1]), 'd'))
      panel.marks.selectAll('rect').data(REASONS).join('rect')
        .attr('x', (r) => x(r)).attr('width', x.bandwidth())
        .attr('y', (r) => y(t.refused.get(r) || 0)).attr('height', (r) => c.height - y(t.refused.get(r) || 0))
        .attr('fill', '#d4351c')
      panel.marks.selectAll('text').data(REASONS).join('text')
        .attr('x', (r) => x(r) + x.bandwidth() / 2).attr('y', (r) => y(t.refused.get(r) || 0) - 4)
        .attr('text-anchor', 'middle').attr('fill', '#0b0c0c')
        .text((r) => number(t.refused.get(r) || 0))
      panel.g.selectAll('text.requests').data([t.requests]).join('text').attr('class', 'requests')
        .attr('y', -12).attr('fill', '#505a5f').text((n) => `${number(n)} requests for details so far`)
    })
    const refused = (t) => d3.sum(REASONS, (r) => t.refused.get(r) || 0)
    c.words.show({
      summary: `By ${when}${scope(level)}: ${tallies.map((t, k) => `${context.runs[k].label}, ${refused(t)} of ${t.requests} requests refused`).join('; ')}.`,
      columns: ['Refused because', ...context.runs.map((r) => r.label)],
      rows: [...REASONS.map((r) => [r[0].toUpperCase() + r.slice(1), ...tallies.map((t) => t.refused.get(r) || 0)]), ['Requests for details', ...tallies.map((t) => t.requests)]]
    })
  }
}

export function mount (root, context) {
  const { player, runs, when } = context
  const notSplit = context.live ? NOT_SPLIT : `${NOT_SPLIT} ${INTERVALS_NOT_SPLIT}`
  const caption = showing(root, player, { about: (level) => level.kind === 'region' ? '' : notSplit })
  let level = levelOf(player.state.selection)
  let tallies = []
  const charts = root.appendChild(document.createElement('div'))
  const draws = [cafsChart, meetingChart, hoursChart, queueChart, refusalChart].map((make) => make(charts, context))
  let drawn = -Infinity
  let waiting = null
  const draw = () => {
    waiting = null
    drawn = performance.now()
    const t = player.state.t
    for (const tally of tallies) tally.to(t)
    for (const redraw of draws) redraw(tallies, when(t), level)
  }
  // A new level counts again from the start, only the events that belong to it.
  const follow = (selection) => {
    const chosen = levelOf(selection)
    if (!caption.show(chosen) && tallies.length) return
    level = chosen
    tallies = runs.map((run) => new Tally(run, keeper(run, level)))
  }
  player.on((state, why) => {
    follow(state.selection)
    if (why !== 'tick' || performance.now() - drawn >= DRAW_EVERY_MS) draw()
    else if (!waiting) waiting = setTimeout(draw, DRAW_EVERY_MS)
  })
  if (!context.live) intervals(root, context)
}
