// The relay console: plain DOM, no framework, nothing from another host. Every value from the
// server goes in with textContent (never innerHTML), so an event payload cannot become markup.
// Changes send the CSRF token of GET /api/session in a header; the session cookie (when a token
// is configured) goes along by itself.

const $ = (selector) => document.querySelector(selector);
let csrfToken = '';
let lastDeadLetterTotal = -1;
let subscriptionNames = [];

// --- formatting ---------------------------------------------------------------------------------

function age(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} m ${Math.floor(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} m` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const since = (iso) => (iso ? age((Date.now() - Date.parse(iso)) / 1000) + ' ago' : '–');
const time = (iso) => (iso ? new Date(iso).toLocaleString() : '–');

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '–' : String(text);
  if (className) td.className = className;
  return td;
}

function button(label, accessibleName, onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  element.setAttribute('aria-label', accessibleName);
  element.addEventListener('click', onClick);
  return element;
}

function report(text, isError = false) {
  const element = $('#report');
  element.textContent = text;
  element.classList.toggle('error', isError);
}

// --- the server ---------------------------------------------------------------------------------

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      ...(method === 'GET' ? {} : { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401) {
    window.location.assign('/sign-in');
    throw new Error('signed out');
  }
  const payload = response.status === 204 ? {} : await response.json();
  if (!response.ok) throw new Error(payload.detail ?? `${response.status} ${response.statusText}`);
  return payload;
}

/** Asks in a modal dialog; resolves true when confirmed. Escape and Cancel say no. */
function confirmAction(title, text, { confirmLabel = 'Confirm', extra } = {}) {
  const dialog = $('#confirm');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  $('#confirm-button').textContent = confirmLabel;
  $('#confirm-extra').replaceChildren(...(extra ? [extra] : []));
  dialog.returnValue = 'cancel';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
  });
}

async function act(description, run) {
  try {
    const text = await run();
    if (text) report(text);
  } catch (error) {
    report(`${description} failed: ${error.message}`, true);
  }
  await loadDeadLetters();
}

// --- the live overview --------------------------------------------------------------------------

function streamCells(row, stream, isPartition) {
  const state = cell(stream.state, `state state-${stream.state}`);
  row.append(
    state,
    cell(stream.checkpoint, 'mono'),
    cell(stream.backlog, 'number backlog'),
    cell(age(stream.lagSeconds), 'number'),
    cell(
      stream.failedAttempts > 0
        ? `${stream.failedAttempts} (${stream.lastStatusCode ? 'HTTP ' + stream.lastStatusCode : 'network'})`
        : '–',
    ),
    cell(time(stream.nextAttemptAt)),
    cell(stream.deadLetters, 'number dead-letters'),
    cell(stream.heldEvents, 'number'),
    cell(isPartition ? stream.owner : stream.owners.join(', ') || null),
  );
}

function subscriptionActions(subscription) {
  const td = document.createElement('td');
  const toggle = subscription.enabled ? 'disable' : 'enable';
  td.append(
    button(
      toggle === 'disable' ? 'Disable' : 'Enable',
      `${toggle === 'disable' ? 'Disable' : 'Enable'} ${subscription.name}`,
      () => toggleSubscription(subscription.name, toggle),
    ),
  );
  if (!subscription.endpointUrl.startsWith('nats'))
    td.append(
      button('Rotate secret', `Rotate the secret of ${subscription.name}`, () =>
        rotateSecret(subscription.name),
      ),
    );
  return td;
}

function renderSubscriptions(overview) {
  const rows = [];
  const notes = [];
  for (const subscription of overview.subscriptions) {
    const row = document.createElement('tr');
    row.dataset.subscription = subscription.name;
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = subscription.name;
    const endpoint = document.createElement('small');
    endpoint.textContent = subscription.endpointUrl;
    name.append(document.createElement('br'), endpoint);
    row.append(name);
    streamCells(row, subscription, false);
    row.append(subscriptionActions(subscription));
    rows.push(row);
    if (subscription.partitions.length > 1)
      for (const partition of subscription.partitions) {
        const partitionRow = document.createElement('tr');
        partitionRow.className = 'partition';
        const label = document.createElement('th');
        label.scope = 'row';
        label.textContent = `${subscription.name} / partition ${partition.partition}`;
        partitionRow.append(label);
        streamCells(partitionRow, partition, true);
        partitionRow.append(cell(''));
        rows.push(partitionRow);
      }
    if (subscription.unauthorized)
      notes.push(
        `${subscription.name}: the subscriber refuses the relay's signature (HTTP ${subscription.lastStatusCode}); check its secret.`,
      );
    if (subscription.lastError) notes.push(`${subscription.name}: last error: ${subscription.lastError}`);
    if (!subscription.enabled && subscription.disabledReason)
      notes.push(`${subscription.name}: ${subscription.disabledReason}`);
  }
  if (rows.length === 0) {
    const empty = document.createElement('tr');
    const td = cell('No subscriptions.');
    td.colSpan = 11;
    empty.append(td);
    rows.push(empty);
  }
  $('#subscriptions tbody').replaceChildren(...rows);
  $('#subscription-notes').replaceChildren(
    ...notes.map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }),
  );
}

function renderInstances(overview) {
  $('#instances tbody').replaceChildren(
    ...overview.instances.map((instance) => {
      const row = document.createElement('tr');
      const id = document.createElement('th');
      id.scope = 'row';
      id.textContent = instance.id + (instance.id === overview.servedBy ? ' (this page)' : '');
      row.append(
        id,
        cell(instance.alive ? 'alive' : 'gone'),
        cell(instance.leases, 'number'),
        cell(since(instance.heartbeatAt)),
        cell(time(instance.startedAt)),
      );
      return row;
    }),
  );
}

function renderFence(overview) {
  const fence = $('#fence');
  fence.hidden = overview.fence === null;
  fence.textContent = overview.fence
    ? `Fence held by ${overview.fence.heldBy}: ${overview.fence.subscriptions.join(', ')} wait behind it.`
    : '';
}

function updateSubscriptionFilter(overview) {
  const names = overview.subscriptions.map((subscription) => subscription.name);
  if (names.join() === subscriptionNames.join()) return;
  subscriptionNames = names;
  const select = $('#filters select[name=subscription]');
  const chosen = select.value;
  select.replaceChildren(new Option('any', ''), ...names.map((name) => new Option(name, name)));
  select.value = names.includes(chosen) ? chosen : '';
}

function render(overview) {
  renderFence(overview);
  renderSubscriptions(overview);
  renderInstances(overview);
  updateSubscriptionFilter(overview);
  $('#live-status').textContent =
    `Live · served by ${overview.servedBy} · updated ${new Date(overview.generatedAt).toLocaleTimeString()}`;
  // A dead letter parked or gone since the last look: show the list as it is now.
  const total = overview.subscriptions.reduce(
    (sum, subscription) => sum + subscription.deadLetters + subscription.heldEvents,
    0,
  );
  if (total !== lastDeadLetterTotal) {
    lastDeadLetterTotal = total;
    void loadDeadLetters();
  }
}

function goLive() {
  const source = new EventSource('/api/live');
  source.addEventListener('overview', (message) => render(JSON.parse(message.data)));
  source.addEventListener('unavailable', () => {
    $('#live-status').textContent = 'The relay cannot read the database; showing the last figures.';
  });
  source.addEventListener('error', () => {
    $('#live-status').textContent = 'Connection to the relay lost; reconnecting…';
  });
}

// --- subscriptions ------------------------------------------------------------------------------

async function toggleSubscription(name, verb) {
  const what =
    verb === 'disable'
      ? 'Its stream pauses at its checkpoint; events wait.'
      : 'Its stream resumes at its checkpoint.';
  if (
    !(await confirmAction(`${verb === 'disable' ? 'Disable' : 'Enable'} ${name}?`, what, {
      confirmLabel: verb === 'disable' ? 'Disable' : 'Enable',
    }))
  )
    return;
  await act(`${verb} ${name}`, async () => {
    await api('POST', `/api/subscriptions/${encodeURIComponent(name)}/${verb}`, {});
    return `Subscription ${name} ${verb}d.`;
  });
}

async function rotateSecret(name) {
  const label = document.createElement('label');
  label.textContent = 'The previous secret stays valid for ';
  const overlap = document.createElement('input');
  overlap.value = '24h';
  overlap.size = 6;
  overlap.setAttribute('aria-label', 'Overlap');
  label.append(overlap);
  const text =
    'The relay signs with both secrets during the overlap, so the subscriber can move to the new one without a refused delivery.';
  if (!(await confirmAction(`Rotate the secret of ${name}?`, text, { confirmLabel: 'Rotate', extra: label })))
    return;
  await act(`rotate the secret of ${name}`, async () => {
    const result = await api('POST', `/api/subscriptions/${encodeURIComponent(name)}/rotate-secret`, {
      overlap: overlap.value,
    });
    const dialog = $('#secret');
    $('#secret-text').textContent = result.previousSecretValidUntil
      ? `Deliveries to ${name} are signed with the new and the previous secret until ${time(result.previousSecretValidUntil)}, then with the new one only.`
      : `Deliveries to ${name} are signed with the new secret only, from now.`;
    $('#secret-value').value = result.secret;
    dialog.showModal();
    // Shown once: once the dialog closes the secret is gone from the page.
    dialog.addEventListener('close', () => ($('#secret-value').value = ''), { once: true });
    return `Rotated the secret of ${name}.`;
  });
}

// --- dead letters -------------------------------------------------------------------------------

function filters() {
  const form = new FormData($('#filters'));
  const chosen = {};
  for (const key of ['subscription', 'type', 'status', 'error', 'since']) {
    const value = String(form.get(key) ?? '').trim();
    if (value) chosen[key] = value;
  }
  return { chosen, held: form.get('held') === 'true' };
}

async function loadDeadLetters() {
  const { chosen, held } = filters();
  const query = new URLSearchParams({ ...chosen, ...(held ? { held: 'true' } : {}) });
  let result;
  try {
    result = await api('GET', `/api/dead-letters?${query}`);
  } catch (error) {
    $('#dead-letter-summary').textContent = `Could not list dead letters: ${error.message}`;
    return;
  }
  const parked = result.letters.filter((letter) => letter.state === 'parked').length;
  $('#dead-letter-summary').textContent =
    result.count === 0
      ? 'No dead letters match.'
      : `${result.count} dead letter${result.count === 1 ? '' : 's'} match${result.count === 1 ? 'es' : ''} (${parked} parked)` +
        (result.count > result.limit ? `; the first ${result.limit} are shown.` : '.');
  const bulk = Boolean(chosen.subscription) && result.count > 0;
  $('#replay-all').disabled = !bulk;
  $('#discard-all').disabled = !bulk;
  $('.bulk .hint').hidden = Boolean(chosen.subscription);
  $('#dead-letter-list tbody').replaceChildren(...result.letters.map(deadLetterRow));
}

function deadLetterRow(letter) {
  const row = document.createElement('tr');
  row.dataset.deadLetter = letter.id;
  const event = document.createElement('th');
  event.scope = 'row';
  event.textContent = letter.event.eventType;
  const id = document.createElement('small');
  id.textContent = letter.event.eventId;
  event.append(document.createElement('br'), id);
  const actions = document.createElement('td');
  const what = `${letter.event.eventType} ${letter.event.eventId} of ${letter.subscription}`;
  actions.append(button('Details', `Details of ${what}`, () => showDetail(letter.id)));
  if (letter.state === 'parked')
    actions.append(button('Replay', `Replay ${what}`, () => replayOne(letter, what)));
  if (letter.state === 'parked' || letter.state === 'held')
    actions.append(button('Discard', `Discard ${what}`, () => discardOne(letter, what)));
  row.append(
    cell(letter.subscription),
    event,
    cell(letter.event.aggregateId, 'mono'),
    cell(letter.state),
    cell(letter.attempts, 'number'),
    cell(letter.statusCode),
    // The list shows the start of the error; the detail shows all of it.
    cell(letter.error.length > 120 ? `${letter.error.slice(0, 120)}…` : letter.error, 'error-text'),
    cell(since(letter.parkedAt)),
    cell(letter.heldBehind, 'number'),
    actions,
  );
  return row;
}

async function showDetail(id) {
  let letter;
  try {
    letter = await api('GET', `/api/dead-letters/${id}`);
  } catch (error) {
    report(`Could not read dead letter ${id}: ${error.message}`, true);
    return;
  }
  const fields = [
    ['Subscription', `${letter.subscription} (partition ${letter.partition})`],
    ['Event', `${letter.event.eventType} ${letter.event.eventId}`],
    ['Order', letter.event.aggregateId],
    ['State', letter.state],
    ['Attempts', letter.attempts],
    ['Last status', letter.statusCode ?? 'no response'],
    ['Last error', letter.error],
    ['First attempt', time(letter.firstAttemptAt)],
    ['Last attempt', time(letter.lastAttemptAt)],
    ['Parked', time(letter.parkedAt)],
  ];
  $('#detail-fields').replaceChildren(
    ...fields.flatMap(([name, value]) => {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = String(value);
      return [dt, dd];
    }),
  );
  $('#detail-payload').textContent = JSON.stringify(letter.event.payload, null, 2);
  $('#detail').showModal();
}

function forceChoice() {
  const label = document.createElement('label');
  const force = document.createElement('input');
  force.type = 'checkbox';
  label.append(
    force,
    " Even when older than the subscription's dedupe window (the subscriber may apply it twice)",
  );
  return { label, force };
}

function replayedText(result) {
  const n = result.marked.length;
  return `Replay requested for ${n} dead letter${n === 1 ? '' : 's'} (an order's held events follow its parked one); the relay delivers them at its next step.`;
}

async function replayOne(letter, what) {
  const { label, force } = forceChoice();
  if (
    !(await confirmAction(
      'Replay this dead letter?',
      `${what}, with the events of its order held behind it.`,
      { confirmLabel: 'Replay', extra: label },
    ))
  )
    return;
  await act('replay', async () =>
    replayedText(await api('POST', `/api/dead-letters/${letter.id}/replay`, { force: force.checked })),
  );
}

async function discardOne(letter, what) {
  if (
    !(await confirmAction(
      'Discard this dead letter?',
      `${what} is never delivered; discarding a parked event releases the events held behind it.`,
      { confirmLabel: 'Discard' },
    ))
  )
    return;
  await act('discard', async () =>
    discardedText(await api('POST', `/api/dead-letters/${letter.id}/discard`, {})),
  );
}

function discardedText(result) {
  const n = result.discarded.length;
  const released = result.released.length;
  return (
    `Discarded ${n} dead letter${n === 1 ? '' : 's'} (kept for audit)` +
    (released ? `; released ${released} held event${released === 1 ? '' : 's'}, delivered next.` : '.')
  );
}

async function replayAll() {
  const { chosen } = filters();
  const { label, force } = forceChoice();
  if (
    !(await confirmAction(
      `Replay every matching dead letter of ${chosen.subscription}?`,
      'Each parked one is delivered again, with its held followers.',
      { confirmLabel: 'Replay all', extra: label },
    ))
  )
    return;
  await act('replay', async () =>
    replayedText(
      await api('POST', '/api/dead-letters/replay', { ...withNumbers(chosen), force: force.checked }),
    ),
  );
}

async function discardAll() {
  const { chosen } = filters();
  let count;
  try {
    ({ count } = await api('GET', `/api/dead-letters/count?${new URLSearchParams(chosen)}`));
  } catch (error) {
    report(`Could not count dead letters: ${error.message}`, true);
    return;
  }
  if (
    !(await confirmAction(
      `Discard ${count} dead letter${count === 1 ? '' : 's'} of ${chosen.subscription}?`,
      'They are never delivered (kept for audit).',
      { confirmLabel: `Discard ${count}` },
    ))
  )
    return;
  await act('discard', async () =>
    discardedText(
      await api('POST', '/api/dead-letters/discard', { ...withNumbers(chosen), confirmedCount: count }),
    ),
  );
}

const withNumbers = (chosen) => (chosen.status ? { ...chosen, status: Number(chosen.status) } : chosen);

// --- start --------------------------------------------------------------------------------------

async function start() {
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadDeadLetters();
  });
  $('#replay-all').addEventListener('click', () => void replayAll());
  $('#discard-all').addEventListener('click', () => void discardAll());
  $('#sign-out').addEventListener('click', async () => {
    await api('POST', '/sign-out', {});
    window.location.assign('/sign-in');
  });
  const session = await api('GET', '/api/session');
  csrfToken = session.csrfToken;
  $('#filters select[name=type]').append(...session.eventTypes.map((type) => new Option(type, type)));
  $('#sign-out').hidden = !session.authRequired;
  goLive();
}

void start();
