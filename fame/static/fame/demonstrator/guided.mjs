// The guided scenario's page: leads the perspective windows open on the same run to
// the step's moment and case (the same BroadcastChannel as watch.mjs).
import { Player } from './player.mjs'

const config = JSON.parse(document.getElementById('guided-config').textContent)
const status = document.getElementById('guided-status')
const ANSWERING_MS = 1000

// A guide leads and follows no one. A window that led before answers the guide's hello
// with its own state, and another window may take that after the guide's: for a moment
// after it starts, the guide says its step again whenever another window speaks. After
// that, a person driving another window leads, and the guide stops answering newcomers.
class Guide extends Player {
  follow (message) {
    if (message.from === this.id) return
    if (message.hello) { if (this.leading) this.share(); return }
    if (performance.now() - this.startedAt < ANSWERING_MS) { this.share(); return }
    this.leading = false
  }
}

const guide = new Guide({ channel: `fame-demonstrator:${config.channel}`, end: config.end, start: config.t })
guide.startedAt = performance.now()
guide.drive({ t: config.t, selection: config.selection, playing: false }, 'guide')
window.fameGuide = guide
// The moment as the perspective windows' clocks say it: in this browser's time zone.
const when = document.getElementById('moment-when')
const day = when.textContent.split(':', 1)[0]
const local = new Date(config.moment).toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })
when.textContent = `${day}: ${local}`
status.textContent = `Open perspective windows on this run show ${when.textContent}${config.selection.case ? `, case ${config.selection.case}` : ''}.`
document.body.dataset.guideReady = 'true'
