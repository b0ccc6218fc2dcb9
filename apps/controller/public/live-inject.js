// "Inject now": a fault into the followed run, at the start of its next window of virtual time, in
// every variant (POST /runs/:id/faults with one entry of a scenario's faults list). The form offers
// the run's hosts and migrations; the controller checks the entry against the scenario and answers
// with the `at` it took, which the page shows (the report lists the fault under injectedFaults).

const KINDS = {
  'destination-crash': { label: 'crash host', target: 'host', timed: true },
  'link-down': { label: 'take host NIC down', target: 'host', timed: true },
  'migration-cancel': { label: 'cancel migration', target: 'migration', timed: false },
};

/** The faults-list entry the form describes, or a message saying what is missing. */
export function faultEntry({ kind, target, duration }) {
  const spec = KINDS[kind];
  if (spec === undefined) return { error: `unknown fault kind ${kind}` };
  if (!target) return { error: `pick a ${spec.target}` };
  const entry = { kind, [spec.target]: target };
  const text = (duration ?? '').trim();
  if (spec.timed && text !== '') entry.duration = text;
  return { entry };
}

function option(value, text) {
  const element = document.createElement('option');
  element.value = value;
  element.textContent = text;
  return element;
}

/**
 * Wires the form (#inject-form) to `send` (live-api.js: asks for the token on a 401). `current()`
 * returns the followed run's snapshot or null; `say(text, bad)` shows the outcome.
 */
export function wireInjectForm(form, { send, current, say }) {
  const kind = form.querySelector('[name=kind]');
  const target = form.querySelector('[name=target]');
  const duration = form.querySelector('[name=duration]');
  kind.replaceChildren(...Object.entries(KINDS).map(([value, spec]) => option(value, spec.label)));

  const fillTargets = () => {
    const snapshot = current();
    const spec = KINDS[kind.value];
    const chosen = target.value;
    const names =
      snapshot === null
        ? []
        : spec.target === 'host'
          ? snapshot.hosts
          : [...new Set(snapshot.variants.flatMap((variant) => variant.migrations.filter((migration) => migration.status !== 'done').map((migration) => migration.id)))];
    // Redrawn only when the list changes (every draw would close an open select).
    if ([...target.options].map((element) => element.value).join('\n') !== names.join('\n')) {
      target.replaceChildren(...names.map((name) => option(name, name)));
      if (names.includes(chosen)) target.value = chosen;
    }
    duration.disabled = !spec.timed;
  };

  kind.addEventListener('change', fillTargets);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const snapshot = current();
    if (snapshot === null || snapshot.run.status !== 'running') return say('no running run to inject into', true);
    const made = faultEntry({ kind: kind.value, target: target.value, duration: duration.value });
    if (made.error !== undefined) return say(made.error, true);
    const run = snapshot.run.id;
    try {
      const response = await send(`/runs/${encodeURIComponent(run)}/faults`, { method: 'POST', body: JSON.stringify(made.entry), headers: { 'content-type': 'application/json' } });
      const body = await response.json().catch(() => ({}));
      if (response.status === 201) say(`injected into ${run}: ${body.fault.kind} ${made.entry.host ?? made.entry.migration} at t = ${body.fault.at}`, false);
      else say(`not injected (HTTP ${response.status}): ${(body.problems ?? [body.message ?? '']).join('; ')}`, true);
    } catch (error) {
      say(`not injected: ${error.message}`, true);
    }
  });

  /** Call after every draw: the targets follow the run, the form only works while it runs. */
  return function update() {
    const snapshot = current();
    const running = snapshot !== null && snapshot.run.status === 'running';
    form.querySelector('button').disabled = !running;
    form.dataset.run = running ? snapshot.run.id : '';
    fillTargets();
  };
}
