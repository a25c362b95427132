// Practitioner: a practitioner's week, and what they saw on screen at each step.
//
// Levels of detail: the region, an agency type, one practitioner, one of their cases.
// The chart stacks the hours of the week around the clock's time by kind (finding who is
// involved, calls, forms, meetings, reviews); the live feed has no durations, so there it
// counts steps. Each step is listed with the page of FAME it showed, as a thumbnail, or
// says it was done by telephone or on paper. Choosing a case selects it for every window.
import { KINDS, PAGES, agencyOf, pageImage, people, plain } from './cases.mjs'

const d3 = window.d3
const STEPS_SHOWN = 8
const BUSIEST = 8
const COLOURS = ['#1d70b8', '#f47738', '#4c2c92', '#00703c', '#b58840']
const HEIGHT = 220
const MARGIN = { top: 24, right: 10, bottom: 30, left: 48 }

export function mount (root, { player, runs, live, when, alternative }) {
  const controls = root.appendChild(document.createElement('div'))
  controls.className = 'fame-people__controls'
  const agency = field(controls, 'practitioner-agency', 'Agency')
  const who = field(controls, 'practitioner-who', 'Practitioner')
  agency.addEventListener('change', () => player.select({ agency: agency.value }))
  who.addEventListener('change', () => {
    player.select(who.value ? { agency: agency.value, practitioner: who.value } : { agency: agency.value })
  })
  const heading = root.appendChild(document.createElement('h2'))
  heading.className = 'govuk-heading-m'
  const panels = d3.select(root).append('div').attr('class', 'fame-people__panels')
    .selectAll('section').data(runs).join('section').attr('class', 'fame-people__panel')
  panels.append('h3').attr('class', 'govuk-heading-s').text((run) => run.label)
  panels.append('svg').attr('class', 'fame-people__chart').attr('role', 'img')
  panels.append('ul').attr('class', 'govuk-list fame-people__legend')
  panels.append('h4').attr('class', 'govuk-heading-s fame-people__list-heading')
  panels.append('ol').attr('class', 'govuk-list fame-people__steps')
  const words = runs.map((run) => alternative(`The week in hours by kind: ${run.label}`))

  root.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-case], button[data-practitioner]')
    if (!button) return
    const state = player.state.selection
    if (button.dataset.case) player.select({ ...state, case: button.dataset.case })
    else player.select({ agency: agencyOf(button.dataset.practitioner) || state.agency || '', practitioner: button.dataset.practitioner })
  })

  let shownOptions = ''
  player.on((state) => {
    const index = people(runs[0]) // built again as a live feed grows
    const level = levelOf(state.selection, index)
    options(index, level, state.t)
    const week = weekAround(runs[0], state.t)
    heading.textContent = `${level.practitioner || (level.agency ? `Every ${plain(level.agency)} practitioner` : 'Every practitioner in the region')}: the week from ${runs[0].date(week[0]).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long' })}`
    const max = { hours: 0 }
    const weeks = runs.map((run) => weekOf(run, level, week, state.t, live))
    for (const w of weeks) max.hours = Math.max(max.hours, d3.max(w.days, (d) => d.total) || 0)
    panels.each(function (run, k) {
      const panel = d3.select(this)
      chart(panel, weeks[k], max.hours, live)
      list(panel, run, level, weeks[k], state, when, live)
      words[k].show({
        summary: `${run.label}: ${round(d3.sum(weeks[k].days, (d) => d.total))} ${weeks[k].unit} this week so far.`,
        columns: ['Day', ...weeks[k].kinds.map(([, name]) => name), 'Total'],
        rows: weeks[k].days.map((d) => [d.name, ...weeks[k].kinds.map(([key]) => round(d[key])), round(d.total)])
      })
    })
  })

  // The choices follow the selection (and the cases and practitioners seen so far).
  function options (index, level, t) {
    const agencies = live ? [...new Set(index.work.map((w) => w.agency).filter(Boolean))] : Object.keys(runs[0].region.agencies)
    const workers = [...new Set(index.workBetween(-Infinity, t, (id) => !level.agency || agencyOfWork(index, id) === level.agency).map((w) => w.who))]
    if (level.practitioner && !workers.includes(level.practitioner)) workers.push(level.practitioner)
    const assessors = new Set(index.childAssessor.values())
    const key = [level.agency, level.practitioner, agencies.length, workers.length].join('|')
    if (key === shownOptions) return
    shownOptions = key
    agency.replaceChildren(new Option('Every agency (the region)', '', false, !level.agency),
      ...agencies.map((a) => new Option(plain(a), a, false, a === level.agency)))
    workers.sort((a, b) => (assessors.has(b) - assessors.has(a)) || a.localeCompare(b, 'en', { numeric: true }))
    who.replaceChildren(new Option(level.agency ? `Every ${plain(level.agency)} practitioner` : 'Everyone', '', false, !level.practitioner),
      ...workers.map((id) => new Option(assessors.has(id) ? `${id} (assessed a CAF)` : id, id, false, id === level.practitioner)))
  }
}

function field (parent, id, text) {
  const group = parent.appendChild(document.createElement('div'))
  group.className = 'govuk-form-group'
  const label = group.appendChild(document.createElement('label'))
  label.className = 'govuk-label'
  label.htmlFor = id
  label.textContent = text
  const select = group.appendChild(document.createElement('select'))
  select.className = 'govuk-select'
  select.id = id
  return select
}

// Which level the selection names: a practitioner, an agency type, or the region. With
// nothing chosen here, the assessor of the selected case (or of the first case with a
// meeting): zooming in from the client view brings this view along.
function levelOf (selection, index) {
  if (selection.practitioner) return { agency: selection.agency || agencyOfWork(index, selection.practitioner), practitioner: selection.practitioner }
  if (selection.agency !== undefined) return { agency: selection.agency, practitioner: null }
  const assessor = index.assessorOf(selection.case || index.defaultCase())
  return { agency: assessor ? agencyOfWork(index, assessor) : '', practitioner: assessor }
}

function agencyOfWork (index, id) {
  if (!index.run.live) return agencyOf(id)
  const step = index.work.find((w) => w.who === id && w.agency) // live: the agency acted for
  return step ? step.agency : null
}

// Monday to Sunday of the week holding day t, as days from the run's start.
function weekAround (run, t) {
  const date = run.date(t)
  const sinceMonday = (date.getDay() + 6) % 7 + (date.getHours() * 60 + date.getMinutes()) / 1440
  const monday = t - sinceMonday
  return [monday, monday + 7]
}

function weekOf (run, level, [monday, sunday], t, live) {
  const index = people(run)
  const keep = level.practitioner ? (id) => id === level.practitioner : level.agency ? (id) => agencyOfWork(index, id) === level.agency : () => true
  const steps = index.workBetween(monday, Math.min(sunday, t), keep)
  const kinds = live ? LIVE_KINDS : KINDS
  const days = d3.range(7).map((k) => {
    const day = { name: run.date(monday + k).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric' }), total: 0 }
    for (const [key] of kinds) day[key] = 0
    return day
  })
  for (const step of steps) {
    const day = days[Math.min(6, Math.floor(step.t - monday))]
    const counted = live ? { [liveKind(step)]: 1 } : step.hours
    for (const [key, value] of Object.entries(counted)) { day[key] += value; day.total += value }
  }
  return { days, kinds, steps, unit: live ? 'steps' : 'hours' }
}

const LIVE_KINDS = [['finding', 'Finding who is involved'], ['records', 'Records opened'], ['forms', 'Forms'], ['asking', 'Asking agencies'], ['meetings', 'Meetings']]

function liveKind (step) {
  if (step.activity === 'find who is involved') return 'finding'
  if (step.activity === 'record opened') return 'records'
  if (step.activity === 'details requested') return 'asking'
  if (step.activity.startsWith('TAC')) return 'meetings'
  return 'forms'
}

function chart (panel, week, max, live) {
  const svg = panel.select('svg')
  const width = Math.max(320, (panel.node().clientWidth || 600) - 10)
  svg.attr('viewBox', `0 0 ${width} ${HEIGHT}`).attr('width', width).attr('height', HEIGHT)
    .attr('aria-label', `Bar chart of the week, ${week.unit} by kind each day; the table under “In words and figures” says the same.`)
  const x = d3.scaleBand().domain(week.days.map((d) => d.name)).range([MARGIN.left, width - MARGIN.right]).padding(0.2)
  const y = d3.scaleLinear().domain([0, Math.max(max, live ? 4 : 1)]).nice().range([HEIGHT - MARGIN.bottom, MARGIN.top])
  const series = d3.stack().keys(week.kinds.map(([key]) => key))(week.days)
  svg.selectAll('g.kind').data(series, (s) => s.key).join('g').attr('class', 'kind')
    .attr('fill', (s, k) => COLOURS[k])
    .selectAll('rect').data((s) => s).join('rect')
    .attr('x', (d) => x(d.data.name)).attr('width', x.bandwidth())
    .attr('y', (d) => y(d[1])).attr('height', (d) => y(d[0]) - y(d[1]))
  svg.selectAll('g.x-axis').data([0]).join('g').attr('class', 'x-axis')
    .attr('transform', `translate(0,${HEIGHT - MARGIN.bottom})`).call(d3.axisBottom(x))
  svg.selectAll('g.y-axis').data([0]).join('g').attr('class', 'y-axis')
    .attr('transform', `translate(${MARGIN.left},0)`).call(d3.axisLeft(y).ticks(5))
  svg.selectAll('text.unit').data([week.unit]).join('text').attr('class', 'unit')
    .attr('x', 4).attr('y', 12).attr('font-size', 11).attr('fill', '#0b0c0c').text((d) => d)
  panel.select('ul.fame-people__legend').selectAll('li').data(week.kinds).join((enter) => {
    const li = enter.append('li')
    li.append('span').attr('class', 'fame-people__swatch').attr('aria-hidden', 'true')
    li.append('span')
    return li
  }).each(function ([, name], k) {
    d3.select(this).select('.fame-people__swatch').style('background-color', COLOURS[k])
    d3.select(this).select('span:last-child').text(name)
  })
}

// A practitioner's steps with what they saw, or the busiest practitioners at a level above.
function list (panel, run, level, week, state, when, live) {
  const index = people(run)
  const title = panel.select('h4')
  const items = panel.select('ol')
  if (!level.practitioner) {
    const hours = d3.rollups(week.steps, (v) => d3.sum(v, (s) => live ? 1 : d3.sum(Object.values(s.hours))), (s) => s.who)
      .sort((a, b) => b[1] - a[1]).slice(0, BUSIEST)
    title.text(`The busiest this week (${week.unit}): choose one to see their week`)
    items.selectAll('li').data(hours, (d) => d[0]).join((enter) => {
      const li = enter.append('li')
      li.append('button').attr('type', 'button').attr('class', 'govuk-button govuk-button--secondary govuk-!-margin-bottom-1')
      return li
    }).select('button').attr('data-practitioner', (d) => d[0]).attr('data-case', null)
      .text((d) => `${d[0]}: ${round(d[1])} ${week.unit}`)
    return
  }
  const steps = index.workBetween(-Infinity, state.t, (id) => id === level.practitioner).slice(-STEPS_SHOWN).reverse()
  title.text(steps.length ? `${level.practitioner}’s latest steps, and what they saw` : `${level.practitioner} has done nothing in this run yet`)
  items.selectAll('li').data(steps, (s) => s.i).join((enter) => {
    const li = enter.append('li').attr('class', 'fame-people__step')
    const words = li.append('div')
    words.append('p').attr('class', 'govuk-body-s govuk-!-margin-bottom-1 fame-people__what')
    words.append('button').attr('type', 'button').attr('class', 'govuk-button govuk-button--secondary govuk-!-margin-bottom-1')
    li.append('div').attr('class', 'fame-people__screen')
    return li
  }).each(function (s) {
    const li = d3.select(this)
    li.classed('fame-people__step--chosen', s.child && s.child === state.selection.case)
    const spent = Object.entries(s.hours).filter(([, h]) => h > 0).map(([k, h]) => `${round(h)} h ${KINDS.find(([key]) => key === k)[1].toLowerCase()}`)
    li.select('.fame-people__what').text(`${when(s.t)}: ${s.activity}${spent.length ? ` (${spent.join(', ')})` : ''}`)
    li.select('button').attr('data-case', s.child || null).attr('data-practitioner', null)
      .property('hidden', !s.child).text(s.child ? `Show ${s.child}’s journey` : '')
    const screen = li.select('.fame-people__screen')
    const key = s.page || 'none'
    if (screen.attr('data-page') === key) return
    screen.attr('data-page', key).selectAll('*').remove()
    if (s.page) {
      screen.append('img').attr('src', pageImage(s.page)).attr('width', 160).attr('height', 100)
        .attr('alt', `What they saw: FAME’s page “${PAGES[s.page]}”`).attr('class', 'fame-people__thumbnail')
    } else {
      screen.append('p').attr('class', 'govuk-body-s fame-people__away').text(s.away || 'Away from a screen')
    }
  })
}

function round (value) {
  return Math.round(value * 100) / 100
}
