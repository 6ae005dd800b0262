// The console: sign-in, the IP records and mappings lists paged as the API pages them, their changes, resolve.
import { Api, ApiError, session } from './api.js';
import { clearErrors, el, fieldError, openDialog, showError, time } from './ui.js';

const $ = (id) => document.getElementById(id);
const SID = /^(AC|SK)[0-9a-fA-F]{32}$/;
const PAGE_SIZES = [2, 5, 10, 20, 50, 100, 500, 1000];
const DEFAULT_PAGE_SIZE = 50; // the API's own default

let api = null;
/** What every IP record and mapping of the account is, gathered by paging: names records in the mappings list, and
 * offers the unmapped ones for a new mapping. Null until gathered. */
let index = null;

/** The credentials were refused mid-session (revoked, say): forget them and ask again. */
function refused(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut('The server no longer accepts these credentials (error 20003): sign in again.');
    return true;
  }
  return false;
}

function recordLabel(record) {
  const address = `${record.ip_address}/${record.cidr_prefix_length}`;
  return record.friendly_name ? `“${record.friendly_name}” (${address})` : address;
}

/** One of the two lists, paged exactly as the API pages: its own page URLs followed, a page size chosen. */
class ListView {
  constructor({ prefix, path, key, noun, row, columns }) {
    Object.assign(this, { prefix, path, key, noun, row, columns });
    this.page = null;
    this.size = $(`${prefix}-size`);
    this.body = $(`${prefix}-body`);
    this.count = $(`${prefix}-count`);
    this.error = $(`${prefix}-error`);
    this.status = $(`${prefix}-status`);
    this.buttons = ['first', 'prev', 'next', 'reload'].map((name) => $(`${prefix}-${name}`));
    this.size.replaceChildren(...PAGE_SIZES.map((size) =>
      el('option', { value: size, text: String(size), selected: size === DEFAULT_PAGE_SIZE })));
    this.size.addEventListener('change', () => this.first());
    const [first, prev, next, reload] = this.buttons;
    first.addEventListener('click', () => this.first());
    prev.addEventListener('click', () => this.follow(this.page.meta.previous_page_url));
    next.addEventListener('click', () => this.follow(this.page.meta.next_page_url));
    reload.addEventListener('click', () => this.reload());
  }

  first() {
    return this.load(api.url(this.path, { PageSize: this.size.value }));
  }

  follow(url) {
    return url ? this.load(api.pageUrl(url, this.path)) : Promise.resolve();
  }

  /**
   * The page shown, again: its own URL, or for the first page, the first page (its URL may hold a PB token that a
   * deletion since would leave short); when a change emptied it, the page before it.
   */
  async reload() {
    if (!this.page || this.page.meta.page === 0) {
      return this.first();
    }
    const before = this.page;
    await this.load(api.pageUrl(before.meta.url, this.path));
    if (this.page !== before && this.page[this.key].length === 0 && this.page.meta.page > 0) {
      await (before.meta.previous_page_url ? this.follow(before.meta.previous_page_url) : this.first());
    }
  }

  /** Loads a page; when that fails, the page shown stays, with the error under it. */
  async load(url) {
    const current = api;
    // the pager button pressed loses the focus while disabled; it gets it back, or its neighbour when it stays disabled
    const had = this.buttons.includes(document.activeElement) ? document.activeElement : null;
    this.error.textContent = '';
    this.body.closest('table').setAttribute('aria-busy', 'true');
    this.buttons.forEach((button) => { button.disabled = true; });
    try {
      const page = await api.get(url);
      if (current === api) {
        this.page = page;
      }
    } catch (error) {
      if (current === api && !refused(error)) {
        this.error.textContent = `Could not read the ${this.noun}: ${error.describe ? error.describe() : error}`;
      }
    } finally {
      this.body.closest('table').removeAttribute('aria-busy');
      if (current === api) {
        this.render();
        if (had && (document.activeElement === document.body || document.activeElement === had)) {
          const [first, prev, next, reload] = this.buttons;
          const neighbours = had === next ? [prev, first, reload] : [next, reload];
          (had.disabled ? neighbours.find((button) => !button.disabled) : had).focus();
        }
      }
    }
  }

  render() {
    const [first, prev, next, reload] = this.buttons;
    if (!this.page) {
      this.body.replaceChildren();
      this.count.textContent = '';
      this.buttons.forEach((button) => { button.disabled = button !== reload || !api; });
      return;
    }
    const { meta } = this.page;
    const items = this.page[this.key];
    const from = meta.page * meta.page_size + 1;
    // a row's button that had the focus keeps it in the row drawn again; when its row is gone, the list's heading has
    // it
    const focused = this.body.contains(document.activeElement) ? document.activeElement : null;
    const focusedRow = focused && focused.closest('tr[data-sid]');
    this.body.replaceChildren(...(items.length ? items.map(this.row)
      : [el('tr', {}, el('td', { colspan: this.columns, class: 'empty',
        text: meta.page === 0 ? `No ${this.noun} yet.` : `No ${this.noun} on this page.` }))]));
    this.count.textContent = items.length === 0 ? `Page ${meta.page + 1}: nothing to show.`
      : `Page ${meta.page + 1}: showing ${from}–${from + items.length - 1}`
        + (meta.next_page_url ? ', more on the next page.' : ', the last page.');
    first.disabled = meta.page === 0 && !meta.previous_page_url;
    prev.disabled = !meta.previous_page_url;
    next.disabled = !meta.next_page_url;
    reload.disabled = false;
    if (focused && !this.body.contains(focused)) {
      const again = focusedRow && this.body.querySelector(
        `tr[data-sid="${focusedRow.dataset.sid}"] [data-action="${focused.dataset.action}"]`);
      (again || $(`${this.prefix}-title`)).focus();
    }
  }

  clear() {
    this.page = null;
    this.size.value = String(DEFAULT_PAGE_SIZE);
    this.error.textContent = '';
    this.status.textContent = '';
    this.render();
  }
}

const records = new ListView({
  prefix: 'records', path: 'v1/IpRecords', key: 'ip_records', noun: 'IP records', columns: 6,
  row: (record) => {
    const mapping = index && index.mappingOf.get(record.sid);
    const label = record.friendly_name || `${record.ip_address}/${record.cidr_prefix_length}`;
    return el('tr', { 'data-sid': record.sid },
      el('td', { class: record.friendly_name ? null : 'none', text: record.friendly_name ?? 'no name' }),
      el('td', { class: 'mono', text: `${record.ip_address}/${record.cidr_prefix_length}` }),
      el('td', { class: mapping ? 'sid' : 'none',
        text: mapping ? mapping.sip_domain_sid : index ? 'not mapped' : '…' }),
      el('td', { class: 'sid', text: record.sid }),
      el('td', {}, time(record.date_created)),
      el('td', { class: 'row-actions write' },
        el('button', { type: 'button', 'data-action': 'rename', 'aria-label': `Rename ${label}`, text: 'Rename',
          onclick: (event) => renameRecord(record, event.currentTarget) }),
        el('button', { type: 'button', class: 'danger', 'data-action': 'delete', 'aria-label': `Delete ${label}`,
          text: 'Delete', onclick: (event) => deleteRecord(record, event.currentTarget) })));
  },
});

const mappings = new ListView({
  prefix: 'mappings', path: 'v1/SourceIpMappings', key: 'source_ip_mappings', noun: 'source IP mappings',
  columns: 5,
  row: (mapping) => {
    const record = index && index.records.get(mapping.ip_record_sid);
    const label = record ? recordLabel(record) : mapping.ip_record_sid;
    return el('tr', { 'data-sid': mapping.sid },
      el('td', {}, record ? el('span', { class: 'record', text: recordLabel(record) }) : null,
        el('span', { class: 'sid', text: mapping.ip_record_sid })),
      el('td', { class: 'sid', text: mapping.sip_domain_sid }),
      el('td', { class: 'sid', text: mapping.sid }),
      el('td', {}, time(mapping.date_created)),
      el('td', { class: 'row-actions write' },
        el('button', { type: 'button', 'data-action': 'change', 'aria-label': `Change the SIP domain of ${label}`,
          text: 'Change SIP domain', onclick: (event) => changeMapping(mapping, label, event.currentTarget) }),
        el('button', { type: 'button', class: 'danger', 'data-action': 'delete',
          'aria-label': `Delete the mapping of ${label}`, text: 'Delete',
          onclick: (event) => deleteMapping(mapping, label, event.currentTarget) })));
  },
});

/** Gathers every IP record and mapping (paging through both), then offers the unmapped records for a mapping. */
async function gather() {
  const current = api;
  const select = $('mapping-record');
  const hint = $('mapping-record-hint');
  hint.textContent = 'Reading the IP records…';
  try {
    const [allRecords, allMappings] = await Promise.all([
      api.all('v1/IpRecords', 'ip_records'), api.all('v1/SourceIpMappings', 'source_ip_mappings')]);
    if (current !== api) {
      return;
    }
    index = {
      records: new Map(allRecords.map((record) => [record.sid, record])),
      mappingOf: new Map(allMappings.map((mapping) => [mapping.ip_record_sid, mapping])),
    };
  } catch (error) {
    if (current === api && !refused(error)) {
      index = null;
      hint.textContent = '';
      $('mapping-form-error').textContent = `Could not read the IP records to map: ${error.describe()}`;
      select.replaceChildren(el('option', { value: '', text: 'IP records not read' }));
      select.disabled = true;
      $('mapping-submit').disabled = true;
    }
    return;
  }
  const chosen = select.value;
  const unmapped = [...index.records.values()].filter((record) => !index.mappingOf.has(record.sid));
  select.replaceChildren(...(unmapped.length
    ? [el('option', { value: '', text: 'Choose an IP record' }), ...unmapped.map((record) =>
      el('option', { value: record.sid, text: `${recordLabel(record)} ${record.sid}`,
        selected: record.sid === chosen }))]
    : [el('option', { value: '', text: index.records.size ? 'Every IP record is mapped' : 'No IP records yet' })]));
  select.disabled = unmapped.length === 0;
  $('mapping-submit').disabled = unmapped.length === 0;
  hint.textContent = index.records.size === 0 ? 'Add an IP record first.'
    : `${unmapped.length} of the account's ${index.records.size} IP records ${
      unmapped.length === 1 ? 'is' : 'are'} not mapped.`;
  records.render();
  mappings.render();
}

/** After a change: the lists shown again from the API, and the unmapped records gathered again. */
function refresh(...views) {
  return Promise.all([...views.map((view) => view.reload()), gather()]);
}

function renameRecord(record, opener) {
  openDialog({
    title: 'Rename IP record',
    text: `IP record ${record.sid}, ${record.ip_address}/${record.cidr_prefix_length}.`,
    fields: [{ name: 'FriendlyName', label: 'Friendly name', value: record.friendly_name ?? '', maxlength: 255 }],
    confirm: 'Save name',
    opener,
    fallback: $('records-title'),
    onError: refused,
    action: async ({ FriendlyName }) => {
      const renamed = await api.post(api.url(`v1/IpRecords/${record.sid}`), { FriendlyName });
      records.status.textContent = `Renamed IP record ${renamed.sid} to “${renamed.friendly_name ?? ''}”.`;
    },
  }).then((outcome) => outcome !== 'cancelled' && api && refresh(records, mappings));
}

function deleteRecord(record, opener) {
  openDialog({
    title: 'Delete IP record',
    text: `Delete IP record ${recordLabel(record)}, ${record.sid}? This cannot be undone.`,
    confirm: 'Delete IP record',
    danger: true,
    opener,
    fallback: $('records-title'),
    onError: refused,
    action: async () => {
      await api.delete(api.url(`v1/IpRecords/${record.sid}`));
      records.status.textContent = `Deleted IP record ${recordLabel(record)}, ${record.sid}.`;
    },
  }).then((outcome) => outcome !== 'cancelled' && api && refresh(records));
}

function changeMapping(mapping, label, opener) {
  openDialog({
    title: 'Change SIP domain',
    text: `Mapping ${mapping.sid} sends ${label} to SIP domain ${mapping.sip_domain_sid}.`,
    fields: [{ name: 'SipDomainSid', label: 'SIP domain SID', value: mapping.sip_domain_sid,
      hint: 'SD followed by 32 hexadecimal digits' }],
    confirm: 'Change SIP domain',
    opener,
    fallback: $('mappings-title'),
    onError: refused,
    action: async ({ SipDomainSid }) => {
      const changed = await api.post(api.url(`v1/SourceIpMappings/${mapping.sid}`), { SipDomainSid });
      mappings.status.textContent =
        `Mapping ${changed.sid} now sends ${label} to SIP domain ${changed.sip_domain_sid}.`;
    },
  }).then((outcome) => outcome !== 'cancelled' && api && refresh(mappings, records));
}

function deleteMapping(mapping, label, opener) {
  openDialog({
    title: 'Delete source IP mapping',
    text: `Delete mapping ${mapping.sid}? Requests from ${label} will no longer be recognised as SIP domain `
      + `${mapping.sip_domain_sid}. The IP record stays.`,
    confirm: 'Delete mapping',
    danger: true,
    opener,
    fallback: $('mappings-title'),
    onError: refused,
    action: async () => {
      await api.delete(api.url(`v1/SourceIpMappings/${mapping.sid}`));
      mappings.status.textContent = `Deleted mapping ${mapping.sid} of ${label}.`;
    },
  }).then((outcome) => outcome !== 'cancelled' && api && refresh(mappings, records));
}

/** Runs a form's request with its button disabled; its error next to the field it names, else under the form. */
async function submitting(form, fields, errorElement, work) {
  clearErrors(form);
  const button = form.querySelector('button[type=submit]');
  const had = document.activeElement;
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  const current = api;
  try {
    await work();
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    if (current === api && !refused(error)) {
      showError(error, fields, errorElement);
    }
  } finally {
    form.removeAttribute('aria-busy');
    button.disabled = form.id === 'mapping-form' && $('mapping-record').disabled;
    // the button pressed lost the focus while disabled: back to it, or to the form's first field
    if (api && (document.activeElement === document.body || !document.activeElement)) {
      (had && had.isConnected && !had.disabled ? had : form.querySelector('input, select')).focus();
    }
  }
}

$('record-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const fields = { FriendlyName: $('record-name'), IpAddress: $('record-ip'), CidrPrefixLength: $('record-prefix') };
  const values = { IpAddress: fields.IpAddress.value.trim() };
  if (fields.FriendlyName.value.trim()) {
    values.FriendlyName = fields.FriendlyName.value.trim();
  }
  if (fields.CidrPrefixLength.value.trim()) {
    values.CidrPrefixLength = fields.CidrPrefixLength.value.trim();
  }
  submitting(form, fields, $('record-form-error'), async () => {
    const created = await api.post(api.url('v1/IpRecords'), values);
    form.reset();
    records.status.textContent = `Added IP record ${recordLabel(created)}, ${created.sid}.`;
    await refresh(records);
  });
});

$('mapping-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const fields = { IpRecordSid: $('mapping-record'), SipDomainSid: $('mapping-domain') };
  if (!fields.IpRecordSid.value) {
    clearErrors(form);
    fieldError(fields.IpRecordSid, 'Choose the IP record to map.');
    return;
  }
  const label = $('mapping-record').selectedOptions[0].textContent;
  submitting(form, fields, $('mapping-form-error'), async () => {
    const created = await api.post(api.url('v1/SourceIpMappings'), {
      IpRecordSid: fields.IpRecordSid.value, SipDomainSid: fields.SipDomainSid.value.trim() });
    form.reset();
    mappings.status.textContent = `Mapped ${label} to SIP domain ${created.sip_domain_sid}: mapping ${created.sid}.`;
    await refresh(mappings, records);
  });
});

$('resolve-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const input = $('resolve-ip');
  const result = $('resolve-result');
  result.replaceChildren();
  submitting(form, { IpAddress: input }, $('resolve-error'), async () => {
    const answer = await api.get(api.url('sipmap/v1/Resolve', { IpAddress: input.value.trim() }));
    const found = answer.resolution;
    if (!found) {
      result.replaceChildren(el('p', { text: `No SIP domain: none of the account's mapped IP records contains ${
        answer.ip_address}.` }));
      return;
    }
    const record = index && index.records.get(found.ip_record_sid);
    result.replaceChildren(
      el('p', {}, `${answer.ip_address} belongs to SIP domain `,
        el('strong', { class: 'sid', text: found.sip_domain_sid }), '.'),
      el('dl', {},
        el('dt', { text: 'Through IP record' }),
        el('dd', { text: `${record ? recordLabel(record) : `${found.ip_address}/${found.cidr_prefix_length}`}, ${
          found.ip_record_sid}` }),
        el('dt', { text: 'Mapping' }),
        el('dd', { class: 'sid', text: found.source_ip_mapping_sid })));
  });
});

/** The plan shown for the list chosen, whose changes "Apply the plan" sends as one batch; null before one. */
let plan = null;

function showPlan(shown) {
  plan = shown;
  $('list-apply').disabled = !plan || plan.changes.length === 0;
  $('list-summary').textContent = !plan ? '' : plan.changes.length === 0
    ? `Nothing to do: ${plan.summary}.` : `${plan.summary}: ${plan.changes.length} changes, applied together or not at all.`;
  $('list-steps').replaceChildren(...(plan ? plan.steps.map((step) =>
    el('li', { class: step.action, text: `${step.action} ${step.network} ${step.detail}` })) : []));
}

$('list-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = $('list-form');
  clearErrors(form);
  showPlan(null);
  const file = $('list-file').files[0];
  if (!file) {
    fieldError($('list-file'), 'Choose the list file.');
    return;
  }
  const json = file.name.toLowerCase().endsWith('.json');
  try {
    const shown = await api.send(api.url('sipmap/v1/Plans', Object.fromEntries(
      [['FriendlyNamePrefix', $('list-prefix').value.trim()], ['SipDomainSid', $('list-domain').value.trim()]]
        .filter(([, value]) => value))), await file.text(), json ? 'application/json' : 'text/csv');
    showPlan(shown);
  } catch (error) {
    if (!refused(error)) {
      showError(error, { SipDomainSid: $('list-domain') }, $('list-error'));
    }
  }
});

$('list-apply').addEventListener('click', async () => {
  if (!plan) {
    return;
  }
  $('list-apply').disabled = true;
  $('list-error').textContent = '';
  try {
    const applied = await api.send(api.url('sipmap/v1/Batches'), JSON.stringify({ changes: plan.changes }),
      'application/json');
    showPlan(null);
    $('list-summary').textContent = `Applied ${applied.changes.length} changes in one batch.`;
    await refresh(records, mappings);
  } catch (error) {
    $('list-apply').disabled = false;
    if (!refused(error)) {
      showError(error, { SipDomainSid: $('list-domain') }, $('list-error'));
    }
  }
});

/**
 * Shows what the credentials may do: a read-only key gets a badge and no control that writes. Asked of
 * /sipmap/v1/Me before the lists are drawn, so that no write control shows, even for a moment; a server without it
 * (older) is taken as full, and its 403s still say what happened.
 */
async function showScope() {
  const current = api;
  let readOnly = false;
  try {
    readOnly = (await api.get(api.url('sipmap/v1/Me'))).scope === 'read-only';
  } catch (error) {
    if (current === api && refused(error)) {
      return false;
    }
  }
  if (current !== api) {
    return false;
  }
  document.body.classList.toggle('read-only', readOnly);
  $('scope-badge').hidden = !readOnly;
  $('read-only-note').hidden = !readOnly;
  return true;
}

/** The lists, once the credentials' scope is known; {@code focus}: the workspace's heading gets the focus. */
async function showWorkspace(focus = false) {
  $('sign-in').hidden = true;
  $('whoami').textContent = `${api.sid.startsWith('SK') ? 'API key' : 'Account'} ${api.sid}`;
  $('whoami').hidden = false;
  $('sign-out').hidden = false;
  if (!await showScope()) {
    return;
  }
  $('workspace').hidden = false;
  if (focus) {
    $('workspace-title').focus();
  }
  await Promise.all([records.first(), mappings.first(), gather()]);
}

/** Forgets the credentials and everything read with them; {@code message} says why, on the sign-in form. */
function signOut(message = '') {
  session.clear();
  api = null;
  index = null;
  const dialog = $('dialog');
  if (dialog.open) {
    dialog.close();
  }
  records.clear();
  mappings.clear();
  for (const form of document.querySelectorAll('#workspace form')) {
    form.reset();
    clearErrors(form);
  }
  showPlan(null);
  $('resolve-result').replaceChildren();
  $('resolve-error').textContent = '';
  $('mapping-record').replaceChildren();
  $('mapping-record-hint').textContent = '';
  $('workspace').hidden = true;
  $('whoami').hidden = true;
  $('whoami').textContent = '';
  $('scope-badge').hidden = true;
  $('read-only-note').hidden = true;
  document.body.classList.remove('read-only');
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-form').reset();
  clearErrors($('sign-in-form'));
  $('sign-in-error').textContent = message;
  $('sign-in-sid').focus();
}

$('sign-out').addEventListener('click', () => signOut('Signed out: the credentials are forgotten.'));

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  const sidInput = $('sign-in-sid');
  const secretInput = $('sign-in-secret');
  const sid = sidInput.value.trim();
  const secret = secretInput.value;
  if (!SID.test(sid)) {
    fieldError(sidInput, 'Enter an account SID (AC followed by 32 hexadecimal digits) or an API key SID (SK followed'
      + ' by 32 hexadecimal digits).');
    return;
  }
  if (!secret) {
    fieldError(secretInput, 'Enter the auth token of the account, or the secret of the API key.');
    return;
  }
  const button = $('sign-in-submit');
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  const candidate = new Api(sid, secret);
  try {
    await candidate.get(candidate.url('v1/IpRecords', { PageSize: 1 }));
  } catch (error) {
    $('sign-in-error').textContent = error.status === 401
      ? `The server refused this SID and secret (error ${error.code ?? 20003}): check both and try again.`
      : `Could not sign in: ${error.describe()}`;
    secretInput.focus();
    return;
  } finally {
    button.disabled = false;
    form.removeAttribute('aria-busy');
  }
  session.save(sid, secret);
  api = candidate;
  form.reset();
  showWorkspace(true);
});

const saved = session.load();
if (saved) {
  api = new Api(saved.sid, saved.secret);
  showWorkspace();
} else {
  signOut();
}
