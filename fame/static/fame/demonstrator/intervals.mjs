// The management view's intervals: each key measure's mean and 95% interval over many runs
// of each approach, and the paired difference from the first, as dot-and-whisker and as a
// table, worked out by the hub (comparison.json) when asked; with the CSV and board paper.
import { TextAlternative } from './alt.mjs'
import { downloads } from './export.mjs'

const d3 = window.d3
const COLOURS = ['#1d70b8', '#d4351c', '#00703c']
const LABEL_WIDTH = 360
const PLOT = [[380, 650], [690, 950]]
const ROW = 40
const TOP = 44

function figure (value) {
  if (value === null || value === undefined) return 'none'
  if (Math.abs(value) < 0.005) return '0.00'
  return Math.abs(value) < 1000 ? d3.format(',.2f')(value) : d3.format(',.0f')(value)
}

const short = (label) => label.split(':')[0].length <= 30 ? label.split(':')[0] : `${label.slice(0, 28)}…`
const cell = (c) => c && c.mean !== null ? `${figure(c.mean)}${c.ci_low === null ? '' : ` (${figure(c.ci_low)} to ${figure(c.ci_high)})`}` : 'none'

function element (parent, tag, className, text) {
  const made = parent.appendChild(document.createElement(tag))
  if (className) made.className = className
  if (text) made.textContent = text
  return made
}

// One row's dots and whiskers on a scale of its own, with the scale's ends written.
function whiskers (row, items, [left, right], zero) {
  const values = items.flatMap((d) => [d.cell.ci_low, d.cell.ci_high, d.cell.mean]).filter((v) => v !== null)
  if (zero) values.push(0)
  if (!values.length) return
  const [low, high] = d3.extent(values)
  const pad = (high - low) * 0.05 || Math.abs(high) * 0.05 || 1
  const x = d3.scaleLinear([low - pad, high + pad], [left, right])
  row.append('line').attr('x1', left).attr('x2', right).attr('stroke', '#b1b4b6')
  if (zero) row.append('line').attr('x1', x(0)).attr('x2', x(0)).attr('y1', -9).attr('y2', 9).attr('stroke', '#0b0c0c').attr('stroke-dasharray', '2,2')
  for (const [end, anchor] of [[left, 'start'], [right, 'end']]) {
    row.append('text').attr('x', end).attr('y', 15).attr('text-anchor', anchor).attr('font-size', 10).attr('fill', '#505a5f').text(figure(x.invert(end)))
  }
  items.forEach(({ cell: c, colour }, k) => {
    if (c.mean === null) return
    const y = (k - (items.length - 1) / 2) * 6
    if (c.ci_low !== null) row.append('line').attr('x1', x(c.ci_low)).attr('x2', x(c.ci_high)).attr('y1', y).attr('y2', y).attr('stroke', colour).attr('stroke-width', 2)
    row.append('circle').attr('cx', x(c.mean)).attr('cy', y).attr('r', 4).attr('fill', colour)
  })
}

// A label in one line, or two if it is long.
function wrapped (label, most = 44) {
  if (label.length <= most) return [label]
  const words = label.split(' ')
  let first = ''
  while (words.length && (first + ' ' + words[0]).length <= label.length / 2 + 6) first = `${first} ${words.shift()}`.trim()
  return [first, words.join(' ')]
}

function draw (svg, report) {
  const { approaches, labels, key_measures: measures } = report
  const shown = measures.filter(([key]) => approaches.some((a) => report.measures[key][a].mean !== null))
  const height = TOP + shown.length * ROW + 10
  svg.attr('viewBox', `0 0 960 ${height}`).selectAll('*').remove()
  const legend = svg.append('g').attr('transform', 'translate(0,14)')
  approaches.forEach((a, k) => {
    const item = legend.append('g').attr('transform', `translate(${k * 320},0)`)
    item.append('circle').attr('cx', 5).attr('cy', -4).attr('r', 5).attr('fill', COLOURS[k])
    item.append('text').attr('x', 14).attr('fill', '#0b0c0c').text(labels[a])
  })
  svg.append('text').attr('x', PLOT[0][0]).attr('y', TOP - 8).attr('font-weight', 700).attr('fill', '#0b0c0c').text('Each approach: mean and 95% interval')
  if (approaches.length > 1) {
    svg.append('text').attr('x', PLOT[1][0]).attr('y', TOP - 8).attr('font-weight', 700).attr('fill', '#0b0c0c').text(`Difference from ${short(labels[approaches[0]])}`)
  }
  shown.forEach(([key, label], k) => {
    const row = svg.append('g').attr('transform', `translate(0,${TOP + k * ROW + 12})`)
    const text = row.append('text').attr('x', LABEL_WIDTH).attr('text-anchor', 'end').attr('fill', '#0b0c0c')
    const lines = wrapped(label)
    lines.forEach((line, n) => text.append('tspan').attr('x', LABEL_WIDTH).attr('y', 4 + (n - (lines.length - 1) / 2) * 14).text(line))
    whiskers(row, approaches.map((a, j) => ({ cell: report.measures[key][a], colour: COLOURS[j] })), PLOT[0], false)
    if (approaches.length > 1) {
      const differences = approaches.slice(1).map((a, j) => ({ cell: report.differences[key][a], colour: COLOURS[j + 1] }))
      whiskers(row, differences, PLOT[1], true)
    }
  })
}

export function intervals (root, { runs }) {
  // The approach shown beside is the one compared with; one run alone is shown by itself.
  const approaches = runs.length > 1 ? [runs[1].approach, runs[0].approach] : [runs[0].approach]
  const { scenario, seed } = runs[0]
  const section = element(root, 'section', 'govuk-!-margin-bottom-6')
  section.id = 'intervals'
  const heading = element(section, 'h2', 'govuk-heading-m', 'Over many runs: means and 95% intervals')
  heading.id = 'intervals-heading'
  element(section, 'p', 'govuk-body', 'One run is one year as it could be. Run each approach many times on the same children, concerns and chances to see how sure each figure is, and how sure the difference is.')
  const group = element(section, 'div', 'govuk-form-group')
  const label = element(group, 'label', 'govuk-label', 'Runs of each approach (2 to 30)')
  label.htmlFor = 'intervals-replications'
  const input = element(group, 'input', 'govuk-input govuk-input--width-3')
  Object.assign(input, { id: 'intervals-replications', inputMode: 'numeric', value: '10', name: 'replications' })
  const button = element(section, 'button', 'govuk-button', 'Work out the intervals')
  button.type = 'button'
  const status = element(section, 'p', 'govuk-body')
  status.setAttribute('role', 'status')
  const svg = d3.select(section).append('svg').attr('role', 'img').attr('aria-labelledby', heading.id)
    .attr('width', '100%').attr('font-family', 'Arial, sans-serif').attr('font-size', 12)
    .style('max-width', '1200px').style('display', 'block')
  const table = new TextAlternative(element(section, 'div'), { caption: 'Each key measure: mean (95% interval), and the difference' })
  const links = element(section, 'ul', 'govuk-list')
  let chartDownloads = null

  const query = () => `scenario=${encodeURIComponent(scenario)}&approaches=${approaches.join(',')}&seed=${seed}&replications=${encodeURIComponent(input.value.trim())}`
  const showLinks = () => {
    links.replaceChildren()
    for (const [path, text] of [['measures.csv', 'The measures as CSV'], ['comparison.pdf', 'A board paper of this comparison (PDF)'], ['comparison.json', 'The intervals as JSON']]) {
      const a = element(element(links, 'li'), 'a', 'govuk-link', text)
      a.href = `/demonstrator/${path}?${query()}`
    }
  }
  showLinks()
  input.addEventListener('input', showLinks)

  button.addEventListener('click', async () => {
    const asked = input.value.trim()
    button.disabled = true
    const started = performance.now()
    const progress = () => {
      const seconds = Math.round((performance.now() - started) / 1000)
      status.textContent = `Running ${asked} runs of each approach on the hub… ${seconds} second${seconds === 1 ? '' : 's'} so far.`
    }
    progress()
    const ticking = setInterval(progress, 1000)
    try {
      const response = await fetch(`/demonstrator/comparison.json?${query()}`, { credentials: 'same-origin' })
      if (!response.ok) throw new Error(await response.text())
      const report = await response.json()
      draw(svg, report)
      if (!chartDownloads) chartDownloads = downloads(section, svg.node(), { title: 'the intervals', file: `fame-${scenario}-intervals` })
      section.insertBefore(chartDownloads, table.root)
      const { approaches: names, labels } = report
      table.show({
        summary: `Over ${report.replications} runs of each approach (seed ${report.seed}). ${names.length > 1 ? `Differences are paired, from ${labels[names[0]]}.` : ''} Reproduce with: ${report.command}`,
        columns: ['Measure', ...names.map((a) => labels[a]), ...names.slice(1).map((a) => `Difference: ${labels[a]}`)],
        rows: report.key_measures.map(([key, text]) => [text, ...names.map((a) => cell(report.measures[key][a])), ...names.slice(1).map((a) => cell(report.differences[key][a]))])
      }, { now: true })
      status.textContent = `Worked out over ${report.replications} runs of each approach.`
    } catch (error) {
      status.textContent = `The intervals could not be worked out: ${error.message}`
    } finally {
      clearInterval(ticking)
      button.disabled = false
    }
  })
}
