// DOM helpers: elements built from data (text only, never markup), errors next to their fields, the modal dialog.

/** An element with attributes, listeners ({onclick: f}) and children; text goes in as text, never as markup. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'text') {
      node.textContent = value;
    } else if (name === 'class') {
      node.className = value;
    } else if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** Empties every error message under {@code container} and clears the fields' invalid marks. */
export function clearErrors(container) {
  for (const error of container.querySelectorAll('.error')) {
    error.textContent = '';
  }
  for (const field of container.querySelectorAll('[aria-invalid]')) {
    field.removeAttribute('aria-invalid');
  }
}

/** Shows {@code message} in the error element of {@code field} (its id + "-error"), marks it invalid, focuses it. */
export function fieldError(field, message) {
  document.getElementById(`${field.id}-error`).textContent = message;
  field.setAttribute('aria-invalid', 'true');
  field.focus();
}

/**
 * Shows a failed request's message next to what caused it: the field whose parameter Twilio's message names
 * ({@code fields}: parameter name to field), else {@code fallback} (the action's own error element).
 */
export function showError(error, fields, fallback) {
  const message = error.describe ? error.describe() : String(error.message || error);
  if (error.status === 400 || error.status === 409) {
    for (const [parameter, field] of Object.entries(fields)) {
      if (field && new RegExp(`\\b${parameter}\\b`).test(error.message)) {
        fieldError(field, message);
        return;
      }
    }
  }
  fallback.textContent = error.unreachable ? `${message} The change may or may not have been made.` : message;
}

/** A date of the API (ISO 8601, UTC) as a <time>, readable: 2026-12-01 15:52 UTC. */
export function time(iso) {
  const readable = typeof iso === 'string' ? iso.replace('T', ' ').replace(/:\d\dZ$/, ' UTC') : '';
  return el('time', { datetime: iso, title: iso, text: readable });
}

let dialogBusy = false;

/**
 * Opens the modal dialog: a title, a sentence, optional fields and a confirm button. On confirm it runs
 * {@code action(values)}; while it runs nothing can be pressed; when it fails, its message shows next to the field
 * its parameter names (or under the text) and the dialog stays open, nothing else changed. Resolves to 'done' once
 * the action succeeded, 'failed' when it was closed after the action failed, 'cancelled' when nothing was asked.
 * Focus returns to {@code opener}, or to {@code fallback} when the opener is gone (its row deleted).
 *
 * @param fields [{name, label, value, hint, maxlength}]
 * @param onError called with an error before it is shown; returning true means it was handled (the dialog closes)
 */
export function openDialog({ title, text, fields = [], confirm, danger = false, action, opener, fallback, onError }) {
  const dialog = document.getElementById('dialog');
  const form = document.getElementById('dialog-form');
  const confirmButton = document.getElementById('dialog-confirm');
  const cancelButton = document.getElementById('dialog-cancel');
  const error = document.getElementById('dialog-error');
  document.getElementById('dialog-title').textContent = title;
  document.getElementById('dialog-text').textContent = text;
  const inputs = {};
  document.getElementById('dialog-fields').replaceChildren(...fields.map((field) => {
    const id = `dialog-field-${field.name}`;
    const described = [field.hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
    const input = el('input', {
      id, name: field.name, type: 'text', value: field.value ?? '', maxlength: field.maxlength,
      autocomplete: 'off', spellcheck: 'false', 'aria-describedby': described,
    });
    inputs[field.name] = input;
    return el('div', { class: 'field' },
      el('label', { for: id, text: field.label }),
      field.hint ? el('p', { id: `${id}-hint`, class: 'hint', text: field.hint }) : null,
      input,
      el('p', { id: `${id}-error`, class: 'error' }));
  }));
  clearErrors(form);
  confirmButton.textContent = confirm;
  confirmButton.className = danger ? 'danger' : 'primary';
  confirmButton.disabled = false;
  cancelButton.textContent = 'Cancel';

  return new Promise((resolve) => {
    let attempted = false;
    let finished = false;
    const finish = (done) => {
      if (finished) {
        return;
      }
      finished = true;
      form.removeEventListener('submit', submit);
      cancelButton.removeEventListener('click', cancel);
      dialog.removeEventListener('cancel', escape);
      dialog.removeEventListener('close', closed);
      if (dialog.open) {
        dialog.close();
      }
      const target = opener && opener.isConnected ? opener : fallback;
      if (target) {
        target.focus();
      }
      resolve(done ? 'done' : attempted ? 'failed' : 'cancelled');
    };
    const submit = async (event) => {
      event.preventDefault();
      if (dialogBusy) {
        return;
      }
      clearErrors(form);
      const values = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value.trim()]));
      dialogBusy = true;
      attempted = true;
      confirmButton.disabled = true;
      cancelButton.disabled = true;
      form.setAttribute('aria-busy', 'true');
      try {
        await action(values);
        dialogBusy = false;
        finish(true);
      } catch (failure) {
        dialogBusy = false;
        if (onError && onError(failure)) {
          finish(false);
          return;
        }
        showError(failure, inputs, error);
        // a conflict stays a conflict: confirming again cannot help, only closing
        confirmButton.disabled = failure.status === 409 && fields.length === 0;
        cancelButton.textContent = confirmButton.disabled ? 'Close' : 'Cancel';
        if (!Object.values(inputs).some((input) => input.getAttribute('aria-invalid'))) {
          (confirmButton.disabled ? cancelButton : confirmButton).focus();
        }
      } finally {
        cancelButton.disabled = false;
        form.removeAttribute('aria-busy');
      }
    };
    const cancel = () => {
      if (!dialogBusy) {
        finish(false);
      }
    };
    // closed from elsewhere (a sign-out because the credentials were refused meanwhile): listeners go too
    const closed = () => finish(false);
    const escape = (event) => {
      event.preventDefault(); // closed by finish, so that focus and the promise are handled in one place
      cancel();
    };
    form.addEventListener('submit', submit);
    cancelButton.addEventListener('click', cancel);
    dialog.addEventListener('cancel', escape);
    dialog.addEventListener('close', closed);
    dialog.showModal();
    const first = Object.values(inputs)[0];
    if (first) {
      first.focus();
      first.select();
    } else {
      cancelButton.focus(); // a destructive confirmation starts on the safe choice
    }
  });
}
