// The demonstrator's clock: one simulated time, played, paused, scrubbed and shared.
//
// Time is in days from the run's start (for live views, from an hour before the page
// opened). Windows showing the same run keep in step over a BroadcastChannel: the window
// a person last drove leads, and the others follow its time, speed and selection. Other
// peers (a room on the hub, room.mjs) get what this window shares through ``send``.
const d3 = window.d3

export const SPEEDS = [
  [1, '1×'], [10, '10×'], [100, '100×'], [1000, '1,000×'], [10000, '10,000×'],
  [86400, 'A day a second'], [604800, 'A week a second'], [2629800, 'A month a second']
]
const DAY_SECONDS = 86400
const SHARE_EVERY_MS = 500
const AT_NOW_DAYS = 5 / DAY_SECONDS

export class Player {
  // ``playing``: start playing here without leading (a live window opening). ``now``: for
  // live views, the moment it is now (days); the end moves with it, and a clock playing
  // at 1× within seconds of now keeps at now, so what arrives is shown at once.
  constructor ({ channel, end, live = false, start = 0, speed = 86400, playing = false, now = null }) {
    this.id = Math.random().toString(36).slice(2)
    this.live = live
    this.now = now
    this.end = end // days; grows for live views
    this.state = { t: start, playing, speed, selection: {} }
    this.leading = null // true once a person drives here, false once it follows another
    this.reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches
    this.listeners = []
    this.timer = null
    this.lastShared = 0
    this.peers = [] // each with send(message, urgent)
    this.channel = 'BroadcastChannel' in window ? new BroadcastChannel(channel) : null
    if (this.channel) {
      this.channel.onmessage = (message) => this.follow(message.data)
      this.channel.postMessage({ from: this.id, hello: true })
    }
  }

  on (listener) { this.listeners.push(listener); listener(this.state, 'start') }

  emit (why) { for (const listener of this.listeners) listener(this.state, why) }

  // A person acted here: this window leads, and tells the others.
  drive (changes, why) {
    Object.assign(this.state, changes)
    this.clamp()
    this.leading = true
    this.share()
    this.run()
    this.emit(why)
  }

  // ``urgent``: a person drove this window (peers that pace themselves send at once).
  share (urgent = true) {
    this.lastShared = performance.now()
    const message = { from: this.id, state: this.state, at: Date.now() }
    if (this.channel) this.channel.postMessage(message)
    for (const peer of this.peers) peer.send(message, urgent)
  }

  follow (message) {
    if (message.from === this.id) return
    if (message.hello) { if (this.leading) this.share(false); return }
    const state = { ...message.state }
    if (state.playing) state.t += (Date.now() - message.at) / 1000 * state.speed / DAY_SECONDS
    Object.assign(this.state, state)
    this.clamp()
    this.leading = false
    this.run()
    this.emit('followed')
  }

  clamp () {
    if (this.now) this.end = this.now()
    this.state.t = Math.max(0, Math.min(this.state.t, this.end))
  }

  play () { this.drive({ playing: this.state.t < this.end || this.live }, 'play') }
  pause () { this.drive({ playing: false }, 'pause') }
  toggle () { this.state.playing ? this.pause() : this.play() }
  seek (t) { this.drive({ t }, 'seek') }
  setSpeed (speed) { this.drive({ speed }, 'speed') }
  select (selection) { this.drive({ selection }, 'select') }

  // One step: an hour at slow speeds, or what a second of play would cover.
  step (direction) {
    const days = Math.max(1 / 24, this.state.speed / DAY_SECONDS)
    this.drive({ t: this.state.t + direction * days, playing: false }, 'step')
  }

  setEnd (end) {
    this.end = end
    if (!this.state.playing) this.emit('end')
  }

  run () {
    if (this.state.playing && !this.timer) {
      let last = performance.now()
      let shown = last
      this.timer = d3.timer(() => {
        const now = performance.now()
        this.state.t += (now - last) / 1000 * this.state.speed / DAY_SECONDS
        last = now
        if (this.now) {
          this.end = this.now()
          if (this.state.speed === 1 && this.end - this.state.t < AT_NOW_DAYS) this.state.t = this.end
        }
        if (this.state.t >= this.end) {
          this.state.t = this.end
          if (!this.live) this.state.playing = false
        }
        if (!this.state.playing) { this.stop(); this.emit('ended'); return }
        if (this.leading && now - this.lastShared > SHARE_EVERY_MS) this.share(false)
        // Reduced motion: the views move in steps, once a second, never in between.
        if (this.reducedMotion && now - shown < 1000) return
        shown = now
        this.emit('tick')
      })
    } else if (!this.state.playing) {
      this.stop()
    }
  }

  stop () { if (this.timer) { this.timer.stop(); this.timer = null } }
}
