// A secret Toolgate shows once (a new signing secret, token, API key or client secret): in a
// read-only field with a Copy button, until the user says they stored it.

import {h, uid} from './dom.js';

/**
 * A panel showing `secret`, put in `place` (replacing what was there). `what` names it ("API key
 * tgk_…"); `onDismiss` runs after "I have stored it".
 */
export function showSecret(place, what, secret, onDismiss) {
  const inputId = uid('secret');
  const input = h('input', {type: 'text', id: inputId, class: 'secret-value', readonly: true, value: secret, spellcheck: 'false',
    autocomplete: 'off', 'aria-describedby': `${inputId}-note`});
  const copied = h('span', {class: 'copied', role: 'status', 'aria-live': 'polite'});
  const copy = h('button', {type: 'button', class: 'copy'}, 'Copy');
  copy.addEventListener('click', async () => {
    input.focus();
    input.select();
    try {
      await navigator.clipboard.writeText(secret);
      copied.textContent = 'Copied.';
    } catch (error) {
      copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
    }
  });
  const done = h('button', {type: 'button', class: 'secondary stored'}, 'I have stored it');
  const panel = h('section', {class: 'secret', 'aria-labelledby': `${inputId}-title`},
    h('h3', {id: `${inputId}-title`}, `New ${what}`),
    h('p', {id: `${inputId}-note`}, 'Copy it now: Toolgate shows it this once and keeps only what it needs to check it.'),
    h('div', {class: 'secret-row'}, h('label', {for: inputId, class: 'visually-hidden'}, `New ${what}`), input, copy),
    copied,
    h('div', {class: 'actions'}, done));
  done.addEventListener('click', () => {
    input.value = '';
    panel.remove();
    if (onDismiss) {
      onDismiss();
    }
  });
  place.replaceChildren(panel);
  input.focus();
  input.select();
  return panel;
}
