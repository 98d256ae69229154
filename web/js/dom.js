// Building the page from data without ever parsing data as HTML: every
// string goes in through textContent or an attribute.

// h('a', {href: '/jobs', class: 'x'}, 'text', child, [more]) makes an
// element. Attributes whose value is null, undefined or false are left out;
// on* keys add event listeners; children are nodes or strings (as text).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

// Replaces every child of el.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A unique id for pairing labels, inputs and their messages.
let nextId = 0;
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// A labelled form field: {label, name, type, value, hint, options, ...}.
// Returns {row, input, error}; the error element is described-by the input
// so a screen reader reads the message with the field.
export function field(spec) {
  const id = uid(spec.name);
  const errId = `${id}-error`;
  const hintId = spec.hint ? `${id}-hint` : null;
  const common = {
    id, name: spec.name,
    'aria-describedby': [hintId, errId].filter(Boolean).join(' '),
    autocomplete: spec.autocomplete,
    required: spec.required,
    placeholder: spec.placeholder,
    inputmode: spec.inputmode,
    list: spec.list,
  };
  let input;
  if (spec.type === 'select') {
    input = h('select', common, (spec.options || []).map(([value, text]) =>
      h('option', {value, selected: String(spec.value ?? '') === String(value)},
        text)));
  } else if (spec.type === 'textarea') {
    input = h('textarea', {...common, rows: spec.rows || 6});
    input.value = spec.value ?? '';
  } else {
    input = h('input', {...common, type: spec.type || 'text',
                        min: spec.min, max: spec.max, step: spec.step});
    input.value = spec.value ?? '';
  }
  const error = h('p', {id: errId, class: 'field-error', 'aria-live': 'polite'});
  const row = h('div', {class: 'field'},
    h('label', {for: id}, spec.label),
    hintId ? h('p', {id: hintId, class: 'hint'}, spec.hint) : null,
    input, error);
  return {row, input, error};
}
