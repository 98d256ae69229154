// Sending a form to the API and showing what the server says: a field's
// error beside that field, anything else above the button.
import {h, fill} from './dom.js';
import {explain} from './api.js';

// fields: {apiName: fieldFromDom}; labels: {apiName: 'words'}. Returns
// {form, general, setBusy, clear, showError}.
export function apiForm({fields, labels, submitText, onsubmit, extra = []}) {
  const general = h('div', {class: 'form-error', role: 'alert'});
  const button = h('button', {type: 'submit'}, submitText);
  const form = h('form', {novalidate: true},
    Object.values(fields).map((f) => f.row), extra, general, button);

  function clear() {
    general.textContent = '';
    for (const f of Object.values(fields)) {
      f.error.textContent = '';
      f.input.removeAttribute('aria-invalid');
    }
  }

  // Puts err beside its field when the form has it, else above the button.
  function showError(err, fieldName) {
    const name = fieldName || err.field;
    const msg = typeof err === 'string' ? err : explain(err, labels);
    const f = name && fields[name];
    if (f) {
      f.error.textContent = msg;
      f.input.setAttribute('aria-invalid', 'true');
      f.input.focus();
    } else {
      fill(general, h('p', {}, msg));
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    clear();
    button.disabled = true;
    try {
      await onsubmit(showError);
    } catch (err) {
      showError(err);
    } finally {
      button.disabled = false;
    }
  });
  return {form, general, clear, showError};
}
