// A room: windows on different machines kept in step through the hub.
//
// The window a person drives posts its clock and selection to the room (at once when
// driven, every couple of seconds while it plays); every window reads the room once a
// second and follows a newer state from another window. The hub says how old a state is
// by its own clock, so machines whose clocks differ still agree on the moment.
const POLL_MS = 1000
const SEND_EVERY_MS = 2000

export class Room {
  constructor ({ url, csrf, run, say }) {
    Object.assign(this, { url, csrf, run, say })
    this.version = 0
    this.lastSent = 0
    this.sending = null // the posts on their way, if any
    this.waiting = null // the newest state not yet posted
    this.player = null
    this.timer = null
    this.problem = ''
  }

  // Follow the room with ``player``, and send what it shares.
  attach (player) {
    this.player = player
    player.peers.push(this)
    this.poll()
    this.timer = setInterval(() => this.poll(), POLL_MS)
  }

  async poll () {
    let newest
    try {
      const response = await fetch(this.url, { credentials: 'same-origin', cache: 'no-store' })
      newest = await response.json()
      if (!response.ok) return this.tell(newest.problem || `The room answered ${response.status}.`)
    } catch (error) {
      return this.tell('The room cannot be reached; trying again.')
    }
    this.tell('')
    if (newest.version <= this.version) return
    this.version = newest.version
    if (newest.window === this.player.id) return
    this.player.follow({ from: newest.window, state: newest.state, at: Date.now() - newest.age * 1000 })
  }

  // ``urgent``: a person drove this window; otherwise the clock's regular beat.
  send (message, urgent) {
    const now = performance.now()
    if (!urgent && now - this.lastSent < SEND_EVERY_MS) return
    this.lastSent = now
    const { t, playing, speed, selection } = message.state
    // One post at a time, newest last: a state driven while another is on its way waits
    // for it, so the room never ends on an older one.
    this.waiting = JSON.stringify({ window: message.from, run: this.run, t, playing, speed, selection })
    if (!this.sending) this.sending = this.post()
  }

  async post () {
    while (this.waiting) {
      const body = this.waiting
      this.waiting = null
      try {
        const response = await fetch(this.url, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRFToken': this.csrf },
          body
        })
        const answer = await response.json()
        if (!response.ok) { this.tell(answer.problem || `The room answered ${response.status}.`); continue }
        this.version = Math.max(this.version, answer.version)
        this.tell('')
      } catch (error) {
        this.tell('The room cannot be reached; trying again.')
      }
    }
    this.sending = null
  }

  tell (problem) {
    if (problem === this.problem) return
    this.problem = problem
    this.say(problem)
  }
}
