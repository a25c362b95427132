// The shared selection: what it names, and which events belong to it.
//
// Windows showing a run share one selection (player.mjs): the client view chooses a case,
// the practitioner view an agency, a practitioner or one of their cases. Every view can
// follow it to the same level of detail: the region, an agency, a practitioner, one case.
// This module answers, for any view, which level the selection names, how to say it, and
// whether an event of a run belongs to it. It reads no page and no d3, so it runs under
// ``node --test`` as it does in the browser.

// The agency type of a simulated practitioner or node (practitioner-<type>-<n>,
// node-<type>-<n>), or null (a live pseudonym, a live node's name).
export function agencyOf (id) {
  const found = /^(?:practitioner|node)-([a-z_]+)-(\d+)$/.exec(id || '')
  return found ? found[1] : null
}

export const plain = (name) => name.replaceAll('_', ' ')

// The level the selection names, the most detailed first: one case, one practitioner, an
// agency (a simulated agency type, or a live agency's object id), or the whole region.
export function levelOf (selection = {}) {
  if (selection.case) return { kind: 'case', id: selection.case }
  if (selection.practitioner) return { kind: 'practitioner', id: selection.practitioner }
  if (selection.agency) return { kind: 'agency', id: selection.agency }
  return { kind: 'region', id: '' }
}

// A key that changes when, and only when, the level does.
export const levelKey = (level) => `${level.kind}:${level.id}`

// A live agency's object id (agency-<agency id>) as its agency id; a type in plain words.
function agencyName (id) {
  return id.startsWith('agency-') ? `agency ${id.slice('agency-'.length)}` : plain(id)
}

// The level in a few words: "health", "practitioner-health-3 (health)", "child-7’s case".
export function named (level) {
  switch (level.kind) {
    case 'case': return `${level.id}’s case`
    case 'practitioner': {
      const agency = agencyOf(level.id)
      return agency ? `${level.id} (${plain(agency)})` : level.id
    }
    case 'agency': return agencyName(level.id)
    default: return 'the whole region'
  }
}

// What an event must touch to belong to the level, said once for every view's caption.
export function meaning (level) {
  switch (level.kind) {
    case 'case': return 'Only what happened in this child’s case: its concern, CAF, requests, meetings and reviews.'
    case 'practitioner': return 'Only what this practitioner did, and what happened in the CAFs they lead.'
    case 'agency': return `Only what ${agencyName(level.id)} practitioners did, the CAFs they lead, and requests to and updates from ${agencyName(level.id)} nodes.`
    default: return 'Everything in the run. Choose an agency, a practitioner or a case in the Client or Practitioner perspective and this view follows.'
  }
}

// Each CAF's child, assessor and agency (live: the agency it was started for), from the
// events that started them; built again when a live run has grown.
const indexes = new WeakMap()

export function cafsOf (run) {
  let found = indexes.get(run)
  if (found && found.length === run.length) return found.cafs
  const cafs = new Map()
  for (let i = 0; i < run.length; i++) {
    if (run.activity(i) !== 'CAF started') continue
    const { objects } = run.event(i)
    const caf = objects.find((o) => o.kind === 'caf')
    if (!caf) continue
    const first = (kind) => (objects.find((o) => o.kind === kind) || {}).id || null
    cafs.set(caf.id, { child: first('child'), assessor: first('practitioner'), agency: first('agency') })
  }
  found = { length: run.length, cafs }
  indexes.set(run, found)
  return cafs
}

function cafBelongs (caf, level) {
  switch (level.kind) {
    case 'case': return caf.child === level.id
    case 'practitioner': return caf.assessor === level.id
    case 'agency': return caf.agency === level.id || agencyOf(caf.assessor) === level.id
    default: return true
  }
}

// Whether ``event`` ({objects: [{id, kind}], attributes}) belongs to ``level``, given the
// run's CAFs (``cafsOf``): it names the level's case, practitioner or agency, or one of
// the level's CAFs; for an agency, also one of its practitioners or nodes, or the agency
// type the event is about (a concern noticed, a CAF completed, details asked of it).
export function belongs (event, level, cafs) {
  if (level.kind === 'region') return true
  for (const { id, kind } of event.objects) {
    if (id === level.id) return true
    if (kind === 'caf') {
      const caf = cafs.get(id)
      if (caf && cafBelongs(caf, level)) return true
    } else if (level.kind === 'agency' && (kind === 'practitioner' || kind === 'node') && agencyOf(id) === level.id) {
      return true
    }
  }
  return level.kind === 'agency' && (event.attributes || {}).agency_type === level.id
}

// A filter of a run's events for ``level``, or null for the whole region (keep them all).
export function keeper (run, level) {
  if (level.kind === 'region') return null
  return (event) => belongs(event, level, cafsOf(run))
}
