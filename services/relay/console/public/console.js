// The relay console: plain DOM, no framework, nothing from another host. Every value from the
// server goes in with textContent (never innerHTML), so an event payload cannot become markup.
// Changes send the CSRF token of GET /api/session in a header; the session cookie (when a token
// is configured) goes along by itself. Tables are updated row by row, keyed, so a focused button
// survives the live refresh.

const $ = (selector) => document.querySelector(selector);
let csrfToken = '';
let lastDeadLetterTotal = -1;
let subscriptionNames = [];
/** The filters the list on screen was loaded with: what the bulk actions act on. */
let applied = { chosen: {}, held: false };
let listRequest = 0;

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

/**
 * The relay's clock minus the browser's, from the last overview: ages are measured on the server's
 * clock, since a laptop reaching the console through a tunnel may be seconds or minutes off, and a
 * live instance would look stale (or its heartbeat in the future).
 */
let serverClockOffsetMs = 0;
const serverNow = () => Date.now() + serverClockOffsetMs;
const since = (iso) => (iso ? age(Math.max(0, serverNow() - Date.parse(iso)) / 1000) + ' ago' : '–');
const time = (iso) => (iso ? new Date(iso).toLocaleString() : '–');
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const show = (value) => (value === null || value === undefined || value === '' ? '–' : String(value));

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function button(label, accessibleName, onClick) {
  const node = element('button', label);
  node.type = 'button';
  node.setAttribute('aria-label', accessibleName);
  node.addEventListener('click', onClick);
  return node;
}

/** Sets a node's text only when it changed (no needless work, no needless announcements). */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function report(text, isError = false) {
  const node = $('#report');
  node.textContent = text;
  node.classList.toggle('error', isError);
}

/**
 * Makes `tbody` hold one row per item, in order, reusing the row of the same key (created by
 * `create`, refreshed by `update`), so rows and their buttons persist across refreshes.
 */
function syncRows(tbody, items, keyOf, create, update) {
  const existing = new Map([...tbody.children].map((row) => [row.dataset.key, row]));
  const rows = items.map((item) => {
    const key = keyOf(item);
    const row = existing.get(key) ?? create(item);
    row.dataset.key = key;
    update(row, item);
    return row;
  });
  // Only move what is out of place: a row kept in place keeps its focused button.
  rows.forEach((row, index) => {
    if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] ?? null);
  });
  while (tbody.children.length > rows.length) tbody.lastElementChild.remove();
}

// --- the server ---------------------------------------------------------------------------------

async function refreshSession() {
  const session = await api('GET', '/api/session');
  csrfToken = session.csrfToken;
  return session;
}

async function api(method, path, body, retried = false) {
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
  const payload = response.status === 204 ? {} : await response.json().catch(() => ({}));
  // A relay restarted without a token has a new CSRF key: fetch it and try once more.
  if (response.status === 403 && payload.type === '/problems/csrf' && !retried) {
    await refreshSession();
    return api(method, path, body, true);
  }
  if (!response.ok) {
    const error = new Error(payload.detail ?? `${response.status} ${response.statusText}`);
    error.problem = payload;
    throw error;
  }
  return payload;
}

/** Asks in a modal dialog (Cancel has the focus); resolves true when confirmed. Escape says no. */
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
  await loadDeadLetters(applied);
}

// --- the live overview --------------------------------------------------------------------------

const STREAM_COLUMNS = 9;

function streamValues(stream, isPartition) {
  const failing =
    stream.failedAttempts > 0
      ? `${stream.failedAttempts} (${stream.lastStatusCode ? 'HTTP ' + stream.lastStatusCode : 'network'})`
      : '–';
  return [
    stream.state,
    stream.checkpoint,
    String(stream.backlog),
    age(stream.lagSeconds),
    failing,
    time(stream.nextAttemptAt),
    String(stream.deadLetters),
    String(stream.heldEvents),
    show(isPartition ? stream.owner : subscriptionOwners(stream)),
  ];
}

/** Who owns a subscription's streams, and how many of its partitions none does (as outbox status). */
function subscriptionOwners(subscription) {
  const unowned =
    subscription.partitions.length > 1 && subscription.unowned > 0 ? [`${subscription.unowned} unowned`] : [];
  return [...subscription.owners, ...unowned].join(', ');
}

const STREAM_CLASSES = [
  'state',
  'mono',
  'number backlog',
  'number',
  '',
  '',
  'number dead-letters',
  'number',
  '',
];

function createStreamRow(label) {
  const row = element('tr');
  const header = element('th');
  header.scope = 'row';
  row.append(header, ...STREAM_CLASSES.map((className) => element('td', '', className)));
  row.header = header;
  row.header.append(element('span', label));
  return row;
}

function updateStreamCells(row, stream, isPartition) {
  const values = streamValues(stream, isPartition);
  const cells = [...row.children].slice(1, 1 + STREAM_COLUMNS);
  cells.forEach((cell, index) => setText(cell, values[index]));
  cells[0].className = `state state-${stream.state}`;
}

function createSubscriptionRow(subscription) {
  const row = createStreamRow(subscription.name);
  row.dataset.subscription = subscription.name;
  row.endpoint = element('small');
  row.header.append(element('br'), row.endpoint);
  const actions = element('td');
  row.toggle = button('', '', () => {
    const enabled = row.dataset.enabled === 'true';
    void toggleSubscription(subscription.name, enabled ? 'disable' : 'enable');
  });
  actions.append(row.toggle);
  row.rotate = button('Rotate secret', `Rotate the secret of ${subscription.name}`, () =>
    rotateSecret(subscription.name),
  );
  actions.append(row.rotate);
  row.append(actions);
  return row;
}

function updateSubscriptionRow(row, subscription) {
  setText(row.endpoint, subscription.endpointUrl);
  updateStreamCells(row, subscription, false);
  row.dataset.enabled = String(subscription.enabled);
  const verb = subscription.enabled ? 'Disable' : 'Enable';
  setText(row.toggle, verb);
  row.toggle.setAttribute('aria-label', `${verb} ${subscription.name}`);
  row.rotate.hidden = subscription.endpointUrl.startsWith('nats');
}

function createPartitionRow(item) {
  const row = createStreamRow(`${item.name} / partition ${item.stream.partition}`);
  row.className = 'partition';
  row.append(element('td'));
  return row;
}

/** The last error of each failing stream: per partition when there are several, not only the worst's. */
function lastErrors(subscription) {
  if (subscription.partitions.length <= 1)
    return subscription.lastError ? [`${subscription.name}: last error: ${subscription.lastError}`] : [];
  return subscription.partitions
    .filter((stream) => stream.lastError)
    .map((stream) => `${subscription.name} / partition ${stream.partition}: last error: ${stream.lastError}`);
}

function renderSubscriptions(overview) {
  const items = overview.subscriptions.flatMap((subscription) => [
    { kind: 'subscription', subscription },
    ...(subscription.partitions.length > 1
      ? subscription.partitions.map((stream) => ({ kind: 'partition', name: subscription.name, stream }))
      : []),
  ]);
  syncRows(
    $('#subscriptions tbody'),
    items,
    (item) =>
      item.kind === 'subscription'
        ? `s:${item.subscription.name}`
        : `p:${item.name}/${item.stream.partition}`,
    (item) =>
      item.kind === 'subscription' ? createSubscriptionRow(item.subscription) : createPartitionRow(item),
    (row, item) =>
      item.kind === 'subscription'
        ? updateSubscriptionRow(row, item.subscription)
        : updateStreamCells(row, item.stream, true),
  );
  $('#no-subscriptions').hidden = items.length > 0;
  const notes = overview.subscriptions.flatMap((subscription) => [
    ...(subscription.unauthorized
      ? [
          `${subscription.name}: the subscriber refuses the relay's signature (HTTP ${subscription.lastStatusCode}); check its secret.`,
        ]
      : []),
    ...lastErrors(subscription),
    ...(!subscription.enabled && subscription.disabledReason
      ? [`${subscription.name}: ${subscription.disabledReason}`]
      : []),
  ]);
  syncRows(
    $('#subscription-notes'),
    notes,
    (text) => text,
    (text) => element('li', text),
    () => {},
  );
}

function renderInstances(overview) {
  syncRows(
    $('#instances tbody'),
    overview.instances,
    (instance) => instance.id,
    () => {
      const row = element('tr');
      const header = element('th');
      header.scope = 'row';
      row.append(header, element('td'), element('td', '', 'number'), element('td'), element('td'));
      return row;
    },
    (row, instance) => {
      const values = [
        instance.id + (instance.id === overview.servedBy ? ' (this page)' : ''),
        instance.alive ? 'alive' : 'gone',
        String(instance.leases),
        since(instance.heartbeatAt),
        time(instance.startedAt),
      ];
      [...row.children].forEach((cell, index) => setText(cell, values[index]));
    },
  );
}

let fenceKey = '';

function renderFence(overview) {
  const fence = overview.fence;
  $('#fence').hidden = fence === null;
  // The alert speaks when the holder or who waits changes, not at every tick of its age.
  const key = fence ? `${fence.txId}:${fence.subscriptions.join()}` : '';
  if (key !== fenceKey) {
    fenceKey = key;
    $('#fence-alert').textContent = fence
      ? `The fence holds ${fence.subscriptions.join(', ')} back: transaction ${fence.txId} is still open.`
      : '';
  }
  setText($('#fence-detail'), fence ? `Held by ${fence.heldBy}.` : '');
}

function updateSubscriptionFilter(overview) {
  const names = overview.subscriptions.map((subscription) => subscription.name);
  if (names.join() === subscriptionNames.join()) return;
  subscriptionNames = names;
  const select = $('#filter-subscription');
  const chosen = select.value;
  select.replaceChildren(new Option('any', ''), ...names.map((name) => new Option(name, name)));
  select.value = names.includes(chosen) ? chosen : '';
}

function setLiveState(text) {
  setText($('#live-state'), text);
}

function render(overview) {
  serverClockOffsetMs = Date.parse(overview.generatedAt) - Date.now();
  renderFence(overview);
  renderSubscriptions(overview);
  renderInstances(overview);
  updateSubscriptionFilter(overview);
  setLiveState(`Live, served by ${overview.servedBy}.`);
  setText($('#live-updated'), `Updated ${new Date(overview.generatedAt).toLocaleTimeString()}.`);
  // A dead letter parked or gone since the last look: show the list as it is now.
  const total = overview.subscriptions.reduce((sum, s) => sum + s.deadLetters + s.heldEvents, 0);
  if (total !== lastDeadLetterTotal) {
    lastDeadLetterTotal = total;
    void loadDeadLetters(applied);
  }
  // Ages move on between loads of the list
  for (const row of document.querySelectorAll('#dead-letter-list tbody tr'))
    setText(row.children[7], since(row.dataset.parkedAt));
}

function goLive(retryMs = 2000) {
  const source = new EventSource('/api/live');
  source.addEventListener('overview', (message) => {
    retryMs = 2000;
    render(JSON.parse(message.data));
  });
  source.addEventListener('unavailable', () => {
    setLiveState('The relay cannot read the database; showing the last figures.');
  });
  source.addEventListener('error', () => {
    setLiveState('Connection to the relay lost; reconnecting…');
    // EventSource retries a dropped stream itself, but not a refused one (401, 503): start again,
    // after checking the session (a 401 sends the page to sign in).
    if (source.readyState !== EventSource.CLOSED) return;
    setTimeout(() => {
      refreshSession().then(
        () => goLive(Math.min(retryMs * 2, 30000)),
        () => goLive(Math.min(retryMs * 2, 30000)),
      );
    }, retryMs);
  });
}

// --- subscriptions ------------------------------------------------------------------------------

async function toggleSubscription(name, verb) {
  const Verb = verb === 'disable' ? 'Disable' : 'Enable';
  const what =
    verb === 'disable'
      ? 'Its stream pauses at its checkpoint; events wait.'
      : 'Its stream resumes at its checkpoint.';
  if (!(await confirmAction(`${Verb} ${name}?`, what, { confirmLabel: Verb }))) return;
  await act(`${verb} ${name}`, async () => {
    await api('POST', `/api/subscriptions/${encodeURIComponent(name)}/${verb}`, {});
    return `Subscription ${name} ${verb}d.`;
  });
}

/** `overlapText`: what the operator typed before a second confirmation, kept for it. */
async function rotateSecret(name, force = false, overlapText = '24h') {
  const label = element('label', 'The previous secret stays valid for ');
  const overlap = element('input');
  overlap.value = overlapText;
  overlap.size = 6;
  label.append(overlap, ' (a duration: 30m, 24h, 7d; 0s ends it at once)');
  const text = force
    ? 'Rotating again ends the running overlap: the secret before last is dropped at once, and a subscriber still using it is refused.'
    : 'The relay signs with both secrets during the overlap, so the subscriber can move to the new one without a refused delivery.';
  if (
    !(await confirmAction(`Rotate the secret of ${name}?`, text, {
      confirmLabel: force ? 'Rotate anyway' : 'Rotate',
      extra: label,
    }))
  )
    return;
  let result;
  try {
    result = await api('POST', `/api/subscriptions/${encodeURIComponent(name)}/rotate-secret`, {
      overlap: overlap.value,
      ...(force ? { force: true } : {}),
    });
  } catch (error) {
    if (error.problem?.type === '/problems/overlap-running' && !force) {
      report(error.message, true);
      return rotateSecret(name, true, overlap.value);
    }
    report(`Rotating the secret of ${name} failed: ${error.message}`, true);
    return;
  }
  report(`Rotated the secret of ${name}.`);
  showSecretOnce(name, result);
}

/** The new secret, once: the dialog closes only by its button, and the secret leaves the page with it. */
function showSecretOnce(name, result) {
  const dialog = $('#secret');
  $('#secret-text').textContent = result.previousSecretValidUntil
    ? `Deliveries to ${name} are signed with the new and the previous secret until ${time(result.previousSecretValidUntil)}, then with the new one only.`
    : `Deliveries to ${name} are signed with the new secret only, from now.`;
  $('#secret-variable').textContent = result.secretVariable
    ? `${name} is a default subscription: the relay and the subscriber also read its secrets from ` +
      `${result.secretVariable} (under npm start, from DATA_DIR/webhook-secrets.json), and the relay's ` +
      `next start signs with that variable's first secret again. Set it to the new secret, or ` +
      `"new,old" while the subscriber moves, before either restarts.`
    : '';
  $('#secret-variable').hidden = !result.secretVariable;
  $('#secret-value').value = result.secret;
  $('#secret-copied').textContent = '';
  // Escape must not lose the secret: `closedby="none"` where the browser knows it, a cancelled
  // cancel, and since a browser lets repeated Escapes through anyway, a dialog closed any other
  // way than by its button opens again.
  const keepOpen = (event) => event.preventDefault();
  const onClose = () => {
    if (dialog.returnValue !== 'stored') {
      dialog.showModal();
      return;
    }
    dialog.removeEventListener('cancel', keepOpen);
    dialog.removeEventListener('close', onClose);
    $('#secret-value').value = '';
  };
  dialog.addEventListener('cancel', keepOpen);
  dialog.addEventListener('close', onClose);
  dialog.returnValue = '';
  dialog.showModal();
  $('#secret-value').select();
}

async function copySecret() {
  const input = $('#secret-value');
  try {
    await navigator.clipboard.writeText(input.value);
    $('#secret-copied').textContent = 'Copied.';
  } catch {
    // No clipboard API outside a secure context: leave it selected for Ctrl-C.
    input.select();
    $('#secret-copied').textContent = 'Selected: press Ctrl-C (or ⌘-C) to copy.';
  }
}

// --- dead letters -------------------------------------------------------------------------------

function formFilters() {
  const form = new FormData($('#filters'));
  const chosen = {};
  for (const key of ['subscription', 'type', 'status', 'error', 'since']) {
    const value = String(form.get(key) ?? '').trim();
    if (value) chosen[key] = value;
  }
  return { chosen, held: form.get('held') === 'true' };
}

function describeFilters(chosen) {
  const parts = [];
  if (chosen.type) parts.push(`type ${chosen.type}`);
  if (chosen.status) parts.push(`status ${chosen.status}`);
  if (chosen.error) parts.push(`error containing "${chosen.error}"`);
  if (chosen.since) parts.push(`parked within ${chosen.since}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

async function loadDeadLetters({ chosen, held }) {
  const query = new URLSearchParams({ ...chosen, ...(held ? { held: 'true' } : {}) });
  const request = ++listRequest;
  let result;
  try {
    result = await api('GET', `/api/dead-letters?${query}`);
  } catch (error) {
    if (request === listRequest)
      $('#dead-letter-summary').textContent = `Could not list dead letters: ${error.message}`;
    return;
  }
  // A slower, older answer must not replace a newer one.
  if (request !== listRequest) return;
  applied = { chosen, held };
  setText(
    $('#dead-letter-summary'),
    result.count === 0
      ? 'No dead letters match.'
      : `${plural(result.count, 'dead letter')} match${result.count === 1 ? 'es' : ''}` +
          (result.count > result.letters.length ? `; the first ${result.letters.length} are shown.` : '.'),
  );
  const bulk = Boolean(chosen.subscription) && result.count > 0;
  $('#replay-all').disabled = !bulk;
  $('#discard-all').disabled = !bulk;
  $('.bulk .hint').hidden = Boolean(chosen.subscription);
  syncRows(
    $('#dead-letter-list tbody'),
    result.letters,
    (letter) => `${letter.id}:${letter.state}`,
    createDeadLetterRow,
    updateDeadLetterRow,
  );
}

function createDeadLetterRow(letter) {
  const row = element('tr');
  row.dataset.deadLetter = letter.id;
  row.dataset.parkedAt = letter.parkedAt;
  const event = element('th', letter.event.eventType);
  event.scope = 'row';
  event.append(element('br'), element('small', letter.event.eventId));
  const what = `${letter.event.eventType} ${letter.event.eventId} of ${letter.subscription}`;
  const actions = element('td');
  actions.append(button('Details', `Details of ${what}`, () => showDetail(letter.id)));
  if (letter.state === 'parked')
    actions.append(button('Replay', `Replay ${what}`, () => replayOne(letter, what)));
  if (letter.state === 'parked' || letter.state === 'held')
    actions.append(button('Discard', `Discard ${what}`, () => discardOne(letter, what)));
  row.append(
    element('td', letter.subscription),
    event,
    element('td', letter.event.aggregateId, 'mono'),
    element('td', letter.state),
    element('td', '', 'number'),
    element('td'),
    element('td', '', 'error-text'),
    element('td'),
    element('td', '', 'number'),
    actions,
  );
  return row;
}

function updateDeadLetterRow(row, letter) {
  const cells = row.children;
  setText(cells[4], String(letter.attempts));
  setText(cells[5], show(letter.statusCode));
  // The list shows the start of the error; the detail shows all of it.
  setText(cells[6], letter.error.length > 120 ? `${letter.error.slice(0, 120)}…` : letter.error);
  setText(cells[7], since(letter.parkedAt));
  setText(cells[8], String(letter.heldBehind));
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
    ...fields.flatMap(([name, value]) => [element('dt', name), element('dd', String(value))]),
  );
  $('#detail-payload').textContent = JSON.stringify(letter.event.payload, null, 2);
  $('#detail').showModal();
}

function forceChoice() {
  const label = element('label');
  const force = element('input');
  force.type = 'checkbox';
  label.append(
    force,
    " Even when older than the subscription's dedupe window (the subscriber may apply it twice)",
  );
  return { label, force };
}

function replayedText(result) {
  return `Replay requested for ${plural(result.marked.length, 'dead letter')} (an order's held events follow its parked one); the relay delivers them at its next step.`;
}

function discardedText(result) {
  const released = result.released.length;
  return (
    `Discarded ${plural(result.discarded.length, 'dead letter')} (kept for audit)` +
    (released ? `; released ${plural(released, 'held event')}, delivered next.` : '.')
  );
}

async function replayOne(letter, what) {
  const { label, force } = forceChoice();
  const text = `${what}, with the events of its order held behind it.`;
  if (!(await confirmAction('Replay this dead letter?', text, { confirmLabel: 'Replay', extra: label })))
    return;
  await act('Replay', async () =>
    replayedText(await api('POST', `/api/dead-letters/${letter.id}/replay`, { force: force.checked })),
  );
}

async function discardOne(letter, what) {
  const text = `${what} is never delivered; discarding a parked event releases the events held behind it.`;
  if (!(await confirmAction('Discard this dead letter?', text, { confirmLabel: 'Discard' }))) return;
  await act('Discard', async () =>
    discardedText(await api('POST', `/api/dead-letters/${letter.id}/discard`, {})),
  );
}

const withNumbers = (chosen) => (chosen.status ? { ...chosen, status: Number(chosen.status) } : chosen);

/** What the bulk actions would touch now, counted by the relay; undefined (and said) when it fails. */
async function bulkCounts(chosen) {
  try {
    return await api('GET', `/api/dead-letters/count?${new URLSearchParams(chosen)}`);
  } catch (error) {
    report(`Could not count dead letters: ${error.message}`, true);
    return undefined;
  }
}

async function replayAll() {
  const { chosen } = applied;
  const counts = await bulkCounts(chosen);
  if (!counts) return;
  const { parked, held } = counts.replay;
  if (parked === 0) {
    report(`No parked dead letter of ${chosen.subscription} matches any more.`);
    return;
  }
  const { label, force } = forceChoice();
  const title = `Replay ${plural(parked, 'parked dead letter')} of ${chosen.subscription}${describeFilters(chosen)}?`;
  const text = held
    ? `Each is delivered again, followed by the ${plural(held, 'event')} held behind them.`
    : 'Each is delivered again.';
  if (!(await confirmAction(title, text, { confirmLabel: 'Replay all', extra: label }))) return;
  await act('Replay', async () =>
    replayedText(
      await api('POST', '/api/dead-letters/replay', {
        ...withNumbers(chosen),
        force: force.checked,
        confirmedCount: parked,
      }),
    ),
  );
}

async function discardAll() {
  const { chosen } = applied;
  const counts = await bulkCounts(chosen);
  if (!counts) return;
  const { count } = counts;
  if (count === 0) {
    report(`No open dead letter of ${chosen.subscription} matches any more.`);
    return;
  }
  const title = `Discard ${plural(count, 'dead letter')} of ${chosen.subscription}${describeFilters(chosen)}?`;
  if (
    !(await confirmAction(title, 'Parked and held alike; they are never delivered (kept for audit).', {
      confirmLabel: `Discard ${count}`,
    }))
  )
    return;
  await act('Discard', async () =>
    discardedText(
      await api('POST', '/api/dead-letters/discard', { ...withNumbers(chosen), confirmedCount: count }),
    ),
  );
}

// --- start --------------------------------------------------------------------------------------

async function start() {
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadDeadLetters(formFilters());
  });
  $('#replay-all').addEventListener('click', () => void replayAll());
  $('#discard-all').addEventListener('click', () => void discardAll());
  $('#secret-copy').addEventListener('click', () => void copySecret());
  $('#sign-out').addEventListener('click', async () => {
    await api('POST', '/sign-out', {}).catch(() => {});
    window.location.assign('/sign-in');
  });
  const session = await refreshSession();
  $('#filter-type').append(...session.eventTypes.map((type) => new Option(type, type)));
  $('#sign-out').hidden = !session.authRequired;
  goLive();
}

start().catch((error) => setLiveState(`The console could not start: ${error.message}. Reload to try again.`));
