// The run's newest events (faults first in colour) and the queue-health table.
import { IMPORTANT_EVENT_KINDS } from './live-events.js';

const FEED_LENGTH = 40;
const IMPORTANT = new Set(IMPORTANT_EVENT_KINDS);

function node(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The newest events of every variant, newest first. */
export function renderFeed(list, snapshot) {
  const events = snapshot.variants.flatMap((variant) => variant.events.map((event) => ({ ...event, variant: variant.name })));
  events.sort((a, b) => b.tMs - a.tMs);
  list.replaceChildren(
    ...events.slice(0, FEED_LENGTH).map((event) => {
      const item = node('li', `event-${event.kind}${IMPORTANT.has(event.kind) ? ' important' : ''}`);
      item.dataset.kind = event.kind;
      item.append(node('span', 'event-time', `${(event.tMs / 1000).toFixed(1)} s`), node('span', 'event-variant', event.variant), node('span', 'event-kind', event.kind), node('span', 'event-detail', `${event.subject}: ${event.detail}`));
      return item;
    }),
  );
}

/** `health` is GET /live/queues: { queues: [{ queue, waiting, active, delayed, completed, failed }], deadLettered }. */
export function renderQueues(table, note, health) {
  table.tBodies[0].replaceChildren(
    ...health.queues.map((counts) => {
      const row = node('tr');
      row.dataset.queue = counts.queue;
      row.append(node('th', null, counts.queue));
      for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed']) {
        const cell = node('td', `num ${state}`, counts[state].toLocaleString('en-US'));
        if (state === 'failed' && counts.failed > 0) cell.classList.add('bad');
        row.append(cell);
      }
      return row;
    }),
  );
  note.textContent = health.deadLettered === 0 ? 'No dead-lettered messages.' : `${health.deadLettered.toLocaleString('en-US')} dead-lettered message(s): see dead-letter in bull-board.`;
  note.classList.toggle('bad', health.deadLettered > 0);
}
