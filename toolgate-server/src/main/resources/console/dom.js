// DOM helpers. Everything is built with createElement and textContent: the page runs under
// Trusted Types with no policy ("require-trusted-types-for 'script'; trusted-types 'none'"), so no
// string from the server (a tool name, a problem detail, an upstream's answer) can ever become HTML.

let ids = 0;

/** A fresh element id, for label/for and aria-describedby pairs. */
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/**
 * h('button', {type: 'button', onclick: fn, class: 'x'}, 'text', child...): an element. Attributes
 * whose value is a function become listeners; false/null/undefined ones are left out; true makes a
 * boolean attribute. Children are nodes or text (null and false are skipped, arrays are flattened).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (typeof value === 'function') {
      el.addEventListener(name.replace(/^on/, ''), value);
    } else if (name === 'value' && 'value' in el) {
      el.value = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A labelled form control: {id, label, input, hint}. The input gets the id; the hint describes it. */
export function field(label, input, hint) {
  if (!input.id) {
    input.id = uid();
  }
  const parts = [h('label', {for: input.id}, label), input];
  if (hint) {
    const hintId = uid('hint');
    input.setAttribute('aria-describedby', hintId);
    parts.push(h('small', {id: hintId, class: 'hint'}, hint));
  }
  return h('div', {class: 'field'}, parts);
}

/** A select with [value, text] options. */
export function select(attrs, options, selected) {
  const el = h('select', attrs);
  for (const [value, text] of options) {
    el.append(h('option', {value, selected: value === selected}, text));
  }
  return el;
}

/**
 * A table that scrolls sideways on a narrow screen (the region takes focus, so the keyboard can
 * scroll it). columns: [[heading, row => cell]]; a cell is text or a node.
 */
export function table(label, columns, rows, empty = 'Nothing yet.') {
  if (!rows.length) {
    return h('p', {class: 'empty'}, empty);
  }
  const head = h('tr', {}, columns.map(([heading]) => h('th', {scope: 'col'}, heading)));
  const body = rows.map((row) => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row) ?? ''))));
  return h('div', {class: 'scroll', role: 'region', 'aria-label': label, tabindex: '0'},
    h('table', {}, h('caption', {class: 'visually-hidden'}, label), h('thead', {}, head), h('tbody', {}, body)));
}

/** A definition list of [term, description] pairs (null descriptions show as "—"). */
export function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs.flatMap(([term, value]) => [
    h('dt', {}, term),
    h('dd', {}, value === null || value === undefined || value === '' ? '—' : value),
  ]));
}

/** A time as the browser's local time, with the exact UTC value in the title. */
export function time(value) {
  if (!value) {
    return '—';
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return String(value);
  }
  return h('time', {datetime: value, title: value}, date.toLocaleString());
}

/** A status area: messages for screen readers as well as eyes. */
export function statusArea() {
  return h('div', {class: 'status', role: 'status', 'aria-live': 'polite'});
}

/** Shows an API failure: its problem detail, code and request id. */
export function showError(area, error) {
  const detail = error && error.detail ? error.detail : String(error && error.message ? error.message : error);
  const extra = [];
  if (error && error.code) {
    extra.push(' · ', h('code', {}, error.code));
  }
  if (error && error.requestId) {
    extra.push(' · request ', h('code', {}, error.requestId));
  }
  replace(area, h('div', {class: 'notice error', role: 'alert'}, h('strong', {}, error && error.status ? `${error.status} ` : ''), detail,
    extra.length ? h('span', {class: 'meta'}, extra) : null));
}

export function showOk(area, text) {
  replace(area, h('div', {class: 'notice ok'}, text));
}

/**
 * Runs an action from a button or form: disables the control while it runs, clears the status area,
 * shows the problem detail if it fails. Resolves to the action's result, or undefined on failure.
 */
export async function run(area, control, action) {
  if (area) {
    area.replaceChildren();
  }
  if (control) {
    control.disabled = true;
    control.setAttribute('aria-busy', 'true');
  }
  try {
    return await action();
  } catch (error) {
    if (area) {
      showError(area, error);
    } else {
      throw error;
    }
    return undefined;
  } finally {
    if (control) {
      control.disabled = false;
      control.removeAttribute('aria-busy');
    }
  }
}

/**
 * Asks before something that cannot be undone (revoking): a modal dialog, keyboard-usable (focus
 * starts on Cancel, Escape cancels). Resolves true if confirmed.
 */
export function confirmAction(question, consequence, confirmText) {
  return new Promise((resolve) => {
    const cancel = h('button', {type: 'button', class: 'secondary', id: 'confirm-cancel'}, 'Cancel');
    const ok = h('button', {type: 'button', class: 'danger', id: 'confirm-ok'}, confirmText);
    const titleId = uid('dialog');
    const dialog = h('dialog', {'aria-labelledby': titleId, class: 'confirm'},
      h('h2', {id: titleId}, question),
      h('p', {}, consequence),
      h('div', {class: 'actions'}, cancel, ok));
    let answered = false;
    const finish = (answer) => {
      if (answered) {
        return;
      }
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => finish(false));
    ok.addEventListener('click', () => finish(true));
    dialog.addEventListener('close', () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** An RFC 3339 UTC time from a datetime-local input's value (local time), or null when empty. */
export function utc(localValue) {
  if (!localValue) {
    return null;
  }
  const date = new Date(localValue);
  if (Number.isNaN(date.getTime())) {
    return null;
  }
  return date.toISOString();
}

/** A page's heading, focused after navigation so keyboard and screen-reader users start there. */
export function heading(text) {
  return h('h1', {tabindex: '-1', id: 'page-title'}, text);
}
