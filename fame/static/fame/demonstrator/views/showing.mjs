// The caption a following view shows above its pictures: which level of detail it shows
// (the shared selection, ../selection.mjs), what that takes in, and a button back to the
// whole region. Changing the selection in any window changes it here.
import { levelKey, levelOf, meaning, named } from '../selection.mjs'

export function showing (root, player, { about = () => '' } = {}) {
  const box = root.appendChild(document.createElement('div'))
  box.className = 'govuk-inset-text govuk-!-margin-top-0 fame-showing'
  box.setAttribute('role', 'status')
  const title = box.appendChild(document.createElement('p'))
  title.className = 'govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1 fame-showing__level'
  const words = box.appendChild(document.createElement('p'))
  words.className = 'govuk-body-s govuk-!-margin-bottom-2'
  const clear = box.appendChild(document.createElement('button'))
  clear.type = 'button'
  clear.className = 'govuk-button govuk-button--secondary govuk-!-margin-bottom-0'
  clear.textContent = 'Clear: show the whole region'
  clear.addEventListener('click', () => player.select({ agency: '' }))
  let shown = null
  return {
    // Show ``level``; true when it differs from the level shown before.
    show (level = levelOf(player.state.selection)) {
      const key = levelKey(level)
      if (key === shown) return false
      shown = key
      title.textContent = `Showing: ${named(level)}`
      words.textContent = `${meaning(level)} ${about(level)}`.trim()
      clear.hidden = level.kind === 'region'
      return true
    }
  }
}
