// A chart to take away: its SVG standing alone (the styles it is drawn with written onto
// each element as attributes), or a PNG drawn from that SVG on a canvas.
const PROPERTIES = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray',
  'opacity', 'font-family', 'font-size', 'font-weight', 'text-anchor', 'dominant-baseline'
]
const SVG_NS = 'http://www.w3.org/2000/svg'

function inline (source, target) {
  const style = window.getComputedStyle(source)
  for (const name of PROPERTIES) {
    const value = style.getPropertyValue(name)
    if (value) target.setAttribute(name, value)
  }
}

// The chart as an SVG document of its own, on a white ground, sized as its viewBox.
export function standalone (svg) {
  const clone = svg.cloneNode(true)
  const sources = svg.querySelectorAll('*')
  const targets = clone.querySelectorAll('*')
  inline(svg, clone)
  sources.forEach((element, k) => inline(element, targets[k]))
  const { width, height } = svg.viewBox.baseVal
  clone.setAttribute('xmlns', SVG_NS)
  clone.setAttribute('width', String(width))
  clone.setAttribute('height', String(height))
  clone.removeAttribute('class')
  const ground = document.createElementNS(SVG_NS, 'rect')
  ground.setAttribute('width', '100%')
  ground.setAttribute('height', '100%')
  ground.setAttribute('fill', '#ffffff')
  clone.insertBefore(ground, clone.firstChild)
  return { text: new XMLSerializer().serializeToString(clone), width, height }
}

export function svgBlob (svg) {
  return new Blob([standalone(svg).text], { type: 'image/svg+xml' })
}

// Twice the chart's size, so that it is sharp on a slide.
export async function pngBlob (svg, scale = 2) {
  const { text, width, height } = standalone(svg)
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }))
  try {
    const image = new Image()
    image.src = url
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = Math.round(width * scale)
    canvas.height = Math.round(height * scale)
    const drawing = canvas.getContext('2d')
    drawing.scale(scale, scale)
    drawing.drawImage(image, 0, 0, width, height)
    return await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'))
  } finally {
    URL.revokeObjectURL(url)
  }
}

export function save (blob, name) {
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 10000)
}

// "Download SVG" and "Download PNG" buttons for a chart, named after it.
export function downloads (parent, svg, { title, file }) {
  const group = parent.appendChild(document.createElement('div'))
  group.className = 'govuk-button-group govuk-!-margin-bottom-2'
  for (const [kind, make] of [['SVG', svgBlob], ['PNG', pngBlob]]) {
    const button = group.appendChild(document.createElement('button'))
    button.type = 'button'
    button.className = 'govuk-button govuk-button--secondary govuk-!-margin-bottom-0'
    button.textContent = `Download ${kind}`
    const hidden = button.appendChild(document.createElement('span'))
    hidden.className = 'govuk-visually-hidden'
    hidden.textContent = ` of ${title}`
    button.addEventListener('click', async () => {
      save(await make(svg), `${file}.${kind.toLowerCase()}`)
    })
  }
  return group
}
