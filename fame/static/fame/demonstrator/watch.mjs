// A demonstrator window: loads the run (or opens the live feed), builds the clock and its
// controls, and mounts the perspective named by the page.
import { Player, SPEEDS } from './player.mjs'
import { Live, loadRun } from './data.mjs'
import { TextAlternative } from './alt.mjs'
import { Room } from './room.mjs'

const config = JSON.parse(document.getElementById('demonstrator-config').textContent)
const $ = (id) => document.getElementById(id)
const status = $('demonstrator-status')

function say (text) { status.textContent = text }

function when (source, t) {
  const moment = source.date(t)
  const time = moment.toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })
  if (!source.live) return `Day ${Math.min(Math.floor(t) + 1, source.days)} of ${source.days}: ${time}`
  const behind = Math.round((source.now() - t) * 1440)
  return behind < 1 ? `Live: ${moment.toLocaleTimeString('en-GB')}` : `Replaying: ${moment.toLocaleTimeString('en-GB')} (${behind} minute${behind === 1 ? '' : 's'} ago)`
}

function controls (player, source) {
  const play = $('play')
  const scrub = $('scrub')
  const speed = $('speed')
  const clock = $('clock')
  const lead = $('lead')
  for (const [value, label] of SPEEDS) speed.add(new Option(label, value, false, value === player.state.speed))
  play.addEventListener('click', () => player.toggle())
  $('step-back').addEventListener('click', () => player.step(-1))
  $('step-forward').addEventListener('click', () => player.step(1))
  speed.addEventListener('change', () => player.setSpeed(Number(speed.value)))
  scrub.addEventListener('input', () => player.seek(Number(scrub.value)))
  lead.addEventListener('click', () => player.drive({}, 'lead'))
  $('full-screen').addEventListener('click', () => {
    const wall = document.getElementById('demonstrator-wall')
    if (document.fullscreenElement) document.exitFullscreen()
    else if (wall.requestFullscreen) wall.requestFullscreen()
  })
  if (source.live) {
    $('to-now').addEventListener('click', () => player.drive({ t: source.now(), playing: true, speed: 1 }, 'now'))
    $('replay-hour').addEventListener('click', () => player.drive({ t: Math.max(0, source.now() - 1 / 24), playing: true }, 'replay'))
    setInterval(() => { player.setEnd(source.now()); scrub.max = String(player.end) }, 1000)
    liveNews(player, source)
  }
  document.addEventListener('keydown', (event) => {
    if (event.target.closest('input, select, textarea, button, a') || event.altKey || event.ctrlKey || event.metaKey) return
    const keys = {
      ' ': () => player.toggle(),
      k: () => player.toggle(),
      ArrowRight: () => player.step(1),
      ArrowLeft: () => player.step(-1),
      '+': () => faster(1),
      '-': () => faster(-1)
    }
    if (keys[event.key]) { event.preventDefault(); keys[event.key]() }
  })
  function faster (direction) {
    const at = SPEEDS.findIndex(([value]) => value === player.state.speed)
    const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, at + direction))]
    if (next) player.setSpeed(next[0])
  }
  scrub.max = String(player.end)
  let shownPlaying = null
  player.on((state) => {
    if (shownPlaying !== state.playing) {
      play.textContent = state.playing ? 'Pause' : 'Play'
      play.setAttribute('aria-pressed', String(state.playing))
      shownPlaying = state.playing
    }
    if (document.activeElement !== scrub) scrub.value = String(state.t)
    scrub.setAttribute('aria-valuetext', when(source, state.t))
    clock.textContent = when(source, state.t)
    if (String(state.speed) !== speed.value) speed.value = String(state.speed)
    lead.hidden = player.leading !== false
    $('leading').textContent = player.leading === null ? 'Drive any window showing this run and the others follow it.' : player.leading ? 'This window leads any others showing this run.' : 'This window follows another window.'
  })
}

// Live: the newest activity, and how many events wait past the clock (paused, or
// replaying), to be shown when it plays on to them.
function liveNews (player, source) {
  const latest = $('latest')
  const waiting = $('waiting')
  const show = () => {
    const n = source.length
    if (n) {
      const newest = source.event(n - 1)
      const text = `Newest activity: ${newest.activity}, ${source.date(newest.t).toLocaleTimeString('en-GB')}.`
      if (latest.textContent !== text) latest.textContent = text
    }
    const ahead = n - source.count(player.state.t)
    const text = ahead > 0 ? `${ahead} newer event${ahead === 1 ? '' : 's'} not shown yet: press Play or Back to now to see ${ahead === 1 ? 'it' : 'them'}.` : ''
    if (waiting.textContent !== text) waiting.textContent = text
  }
  source.onEvents(show)
  player.on((state, why) => { if (why !== 'tick') show() })
  setInterval(show, 1000)
}

async function start () {
  let runs
  try {
    if (config.live) {
      runs = [new Live(config.feed_url, { sinceSeconds: 3600 })]
    } else {
      say('Running the simulation… (a regional year takes a few seconds)')
      // One run after the other: simulating is CPU-bound, so two at once finish no sooner,
      // and two requests saving the same session at once can collide (SQLite in tests).
      runs = []
      for (const run of config.runs) runs.push(await loadRun(run.url, say))
    }
  } catch (error) {
    say(error.message)
    return
  }
  const source = runs[0]
  const end = source.live ? source.now() : Math.max(...runs.map((r) => r.days))
  const player = new Player({
    channel: `fame-demonstrator:${config.channel}`,
    end,
    live: source.live,
    start: source.live ? source.now() : 0,
    speed: source.live ? 1 : 86400,
    playing: source.live,
    now: source.live ? () => source.now() : null
  })
  window.fameDemonstrator = { player, runs }
  controls(player, source)
  if (config.room) {
    const room = new Room({ url: config.room.url, csrf: config.room.csrf, run: config.channel, say: (problem) => { $('room-problem').textContent = problem } })
    room.attach(player)
    window.fameDemonstrator.room = room
  }
  const alternatives = $('text-alternatives')
  const context = {
    player,
    runs,
    live: source.live,
    when: (t) => when(source, t),
    // A text alternative of its own for each chart or animation a view draws.
    alternative: (caption) => {
      const section = alternatives.appendChild(document.createElement('div'))
      return new TextAlternative(section, { caption })
    }
  }
  try {
    const view = await import(`./views/${config.perspective}.mjs`)
    view.mount($('view'), context)
    say(source.live ? 'Showing the real system’s activity as it happens. Cases are pseudonyms.' : `Ready: ${runs.map((r) => r.label).join(' beside ')}. Press Play, or the space bar.`)
  } catch (error) {
    say(`This perspective could not be shown (${error.message}); the clock and the other windows still work.`)
  }
  document.body.dataset.demonstratorReady = 'true'
  player.run()
}

start()
