import { describe, expect, it } from '@jest/globals';
import { rewindRefusals, type RewindFacts } from './rewind-verdict.js';

const at = (txId: string, position: string) => ({ txId, position });
const open = { txId: '90', pid: 4242 };

const back: RewindFacts = {
  from: at('100', '50'),
  to: at('95', '20'),
  eventsBetween: 30,
  eventsBeyondDedupeWindow: 0,
  openTransaction: undefined,
};

describe('rewindRefusals', () => {
  it.each<[string, RewindFacts, boolean, ReturnType<typeof rewindRefusals>]>([
    ['back, nothing old, nothing open: go', back, false, []],
    ['to the point it is at: go', { ...back, to: back.from, eventsBetween: 0 }, false, []],
    [
      'forward: refused, counting the events it would pass',
      { ...back, from: back.to, to: back.from },
      false,
      [{ reason: 'forward', undelivered: 30 }],
    ],
    [
      'forward past nothing of its types: still refused',
      { ...back, from: at('100', '50'), to: at('100', '51'), eventsBetween: 0 },
      false,
      [{ reason: 'forward', undelivered: 0 }],
    ],
    [
      'forward, --force: still refused (force is for the dedupe window only)',
      { ...back, from: back.to, to: back.from, eventsBeyondDedupeWindow: 30 },
      true,
      [{ reason: 'forward', undelivered: 30 }],
    ],
    [
      'back, but a transaction open below the target: refused',
      { ...back, openTransaction: open },
      false,
      [{ reason: 'open-transaction', transaction: open }],
    ],
    [
      'back behind an open transaction, --force: still refused',
      { ...back, openTransaction: open },
      true,
      [{ reason: 'open-transaction', transaction: open }],
    ],
    [
      'forward and behind an open transaction: both reasons',
      { ...back, from: back.to, to: back.from, openTransaction: open },
      false,
      [
        { reason: 'forward', undelivered: 30 },
        { reason: 'open-transaction', transaction: open },
      ],
    ],
    [
      'back over events older than the dedupe window: refused, counting them',
      { ...back, eventsBeyondDedupeWindow: 12 },
      false,
      [{ reason: 'beyond-dedupe-window', events: 12, redelivered: 30 }],
    ],
    ['the same with --force: go', { ...back, eventsBeyondDedupeWindow: 12 }, true, []],
    [
      'old events and an open transaction, --force: the open transaction still refuses',
      { ...back, eventsBeyondDedupeWindow: 12, openTransaction: open },
      true,
      [{ reason: 'open-transaction', transaction: open }],
    ],
    [
      'old events and an open transaction: both reasons',
      { ...back, eventsBeyondDedupeWindow: 12, openTransaction: open },
      false,
      [
        { reason: 'open-transaction', transaction: open },
        { reason: 'beyond-dedupe-window', events: 12, redelivered: 30 },
      ],
    ],
  ])('%s', (_case, facts, force, expected) => {
    expect(rewindRefusals(facts, force)).toEqual(expected);
  });
});
