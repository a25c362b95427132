// The shared selection's levels and which events belong to each (run by
// tests/demonstrator/test_selection_js.py with ``node --test``).
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { agencyOf, belongs, cafsOf, keeper, levelKey, levelOf, named } from '../../../fame/static/fame/demonstrator/selection.mjs'
import { Tally } from '../../../fame/static/fame/demonstrator/tally.mjs'

// A run as the views read it (data.mjs): events in time order, each with its objects.
function runOf (events) {
  const full = events.map(([t, activity, ids, attributes = {}], i) => ({
    i,
    t,
    activity,
    objects: ids.map((id) => ({ id, kind: id.split('-', 1)[0] })),
    attributes
  }))
  return {
    length: full.length,
    count: (t) => full.filter((e) => e.t <= t).length,
    activity: (i) => full[i].activity,
    event: (i) => full[i]
  }
}

// Two children's cases: one led by a health visitor, one by a teacher, who asks the
// health node for details; a search by a police officer; a tree head.
const RUN = runOf([
  [1, 'concern noticed', ['child-1', 'practitioner-health-2'], { agency_type: 'health' }],
  [1.5, 'find who is involved', ['child-1', 'practitioner-health-2'], { minutes: 30, found: 2 }],
  [2, 'CAF started', ['child-1', 'caf-1', 'practitioner-health-2'], { agency_type: 'health' }],
  [3, 'concern noticed', ['child-9', 'practitioner-school-4'], { agency_type: 'school' }],
  [4, 'CAF started', ['child-9', 'caf-2', 'practitioner-school-4'], { agency_type: 'school' }],
  [5, 'details requested', ['caf-2', 'request-1', 'node-health-0'], { agency_type: 'health' }],
  [5.5, 'request refused', ['caf-2', 'request-1', 'node-health-0'], { why: 'no consent in force' }],
  [6, 'CAF completed', ['child-1', 'caf-1', 'practitioner-health-2'], { agency_type: 'health', assessment_hours: 6, asking_hours: 1 }],
  [7, 'CAF completed', ['child-9', 'caf-2', 'practitioner-school-4'], { agency_type: 'school', assessment_hours: 4, asking_hours: 2 }],
  [8, 'find who is involved', ['child-5', 'practitioner-police-1'], { minutes: 12, found: 0 }],
  [9, 'tree head signed', ['log-audit'], {}]
])

const kept = (level) => {
  const keep = keeper(RUN, level)
  const out = []
  for (let i = 0; i < RUN.length; i++) if (!keep || keep(RUN.event(i))) out.push(i)
  return out
}

test('agencyOf_reads_simulated_practitioners_and_nodes_only', () => {
  assert.equal(agencyOf('practitioner-social_care-14'), 'social_care')
  assert.equal(agencyOf('node-gp-3'), 'gp')
  assert.equal(agencyOf('practitioner-0a1b2c3d4e5f6a7b8c9d'), null) // a live pseudonym
  assert.equal(agencyOf('node-health-north'), null) // a live node's name
  assert.equal(agencyOf('child-3'), null)
})

test('levelOf_takes_the_most_detailed_level_the_selection_names', () => {
  assert.deepEqual(levelOf({}), { kind: 'region', id: '' })
  assert.deepEqual(levelOf({ agency: '' }), { kind: 'region', id: '' })
  assert.deepEqual(levelOf({ agency: 'health' }), { kind: 'agency', id: 'health' })
  assert.deepEqual(levelOf({ agency: 'health', practitioner: 'practitioner-health-2' }), { kind: 'practitioner', id: 'practitioner-health-2' })
  assert.deepEqual(levelOf({ agency: 'health', practitioner: 'practitioner-health-2', case: 'child-1' }), { kind: 'case', id: 'child-1' })
  assert.notEqual(levelKey(levelOf({ agency: 'gp' })), levelKey(levelOf({ case: 'gp' })))
})

test('named_says_each_level_in_plain_words', () => {
  assert.equal(named(levelOf({})), 'the whole region')
  assert.equal(named(levelOf({ agency: 'social_care' })), 'social care')
  assert.equal(named(levelOf({ agency: 'agency-hlt-001' })), 'agency hlt-001')
  assert.equal(named(levelOf({ practitioner: 'practitioner-health-2' })), 'practitioner-health-2 (health)')
  assert.equal(named(levelOf({ case: 'child-9' })), 'child-9’s case')
})

test('cafsOf_knows_each_cafs_child_and_assessor', () => {
  const cafs = cafsOf(RUN)
  assert.deepEqual(cafs.get('caf-2'), { child: 'child-9', assessor: 'practitioner-school-4', agency: null })
  assert.equal(cafs.size, 2)
})

test('keeper_for_the_region_keeps_everything', () => {
  assert.equal(keeper(RUN, levelOf({})), null)
  assert.equal(kept(levelOf({})).length, RUN.length)
})

test('keeper_for_a_case_keeps_its_events_and_its_cafs_requests', () => {
  assert.deepEqual(kept(levelOf({ case: 'child-9' })), [3, 4, 5, 6, 8])
})

test('keeper_for_a_practitioner_keeps_their_steps_and_the_cafs_they_lead', () => {
  assert.deepEqual(kept(levelOf({ practitioner: 'practitioner-school-4' })), [3, 4, 5, 6, 8])
  assert.deepEqual(kept(levelOf({ practitioner: 'practitioner-police-1' })), [9])
})

test('keeper_for_an_agency_keeps_its_practitioners_cases_and_nodes', () => {
  // Health: its visitor's case, and the school's request to (and refusal by) the health node.
  assert.deepEqual(kept(levelOf({ agency: 'health' })), [0, 1, 2, 5, 6, 7])
  assert.deepEqual(kept(levelOf({ agency: 'school' })), [3, 4, 5, 6, 8])
  assert.deepEqual(kept(levelOf({ agency: 'youth' })), [])
})

test('belongs_matches_a_live_agency_by_its_object', () => {
  const event = { objects: [{ id: 'practitioner-0a1b', kind: 'practitioner' }, { id: 'agency-hlt-001', kind: 'agency' }], attributes: {} }
  assert.equal(belongs(event, levelOf({ agency: 'agency-hlt-001' }), new Map()), true)
  assert.equal(belongs(event, levelOf({ agency: 'agency-lasc-001' }), new Map()), false)
})

test('a_tally_with_a_keeper_counts_only_the_selections_events', () => {
  const everything = new Tally(RUN).to(10)
  const school = new Tally(RUN, keeper(RUN, levelOf({ agency: 'school' }))).to(10)
  const police = new Tally(RUN, keeper(RUN, levelOf({ agency: 'police' }))).to(10)
  assert.equal(everything.cafs(), 2)
  assert.deepEqual(everything.quarters, [{ health: 1, school: 1 }])
  assert.deepEqual(school.quarters, [{ school: 1 }])
  assert.equal(school.requests, 1)
  assert.equal(school.refused.get('no consent in force'), 1)
  assert.equal(school.spent.assessment, 4)
  assert.equal(police.cafs(), 0)
  assert.equal(police.spent.finding, 12 / 60)
  assert.equal(everything.spent.finding, 42 / 60)
})
