// Management: the measures of the run as charts that fill in as time runs.
// (Counts of activities so far; the charts are drawn in the next step of this view.)
export function mount (root, { player, runs, alternative }) {
  const words = alternative('What has happened so far')
  player.on((state) => {
    const counts = runs.map((run) => {
      const by = new Map()
      const n = run.count(state.t)
      for (let i = 0; i < n; i++) by.set(run.activity(i), (by.get(run.activity(i)) || 0) + 1)
      return by
    })
    const names = [...new Set(counts.flatMap((by) => [...by.keys()]))].sort()
    words.show({
      summary: `${counts.map((by, k) => `${runs[k].label}: ${[...by.values()].reduce((a, b) => a + b, 0)} events`).join('; ')}.`,
      columns: ['Activity', ...runs.map((run) => run.label)],
      rows: names.map((name) => [name, ...counts.map((by) => by.get(name) || 0)])
    })
  })
}
