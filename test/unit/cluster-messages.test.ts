import { asPrimaryMessage, asWorkerMessage, CLUSTER_CHANNEL } from '../../src/cluster/messages';

const ours = { channel: CLUSTER_CHANNEL };

describe('cluster IPC messages › ours, checked', () => {
  test('worker → primary', () => {
    expect(asWorkerMessage({ ...ours, type: 'ready' })).toEqual({ ...ours, type: 'ready' });
    expect(asWorkerMessage({ ...ours, type: 'invalidation-applied', id: 7 })).toEqual({
      ...ours,
      type: 'invalidation-applied',
      id: 7,
    });
  });

  test('an invalidation target is parsed again: normalised, or the message refused', () => {
    expect(asWorkerMessage({ ...ours, type: 'invalidate', id: 1, target: { address: 'Jane@Example.COM' } })).toEqual({
      ...ours,
      type: 'invalidate',
      id: 1,
      target: { address: 'jane@example.com' },
    });
    expect(asPrimaryMessage({ ...ours, type: 'apply-invalidation', id: 2, target: { domain: 'EXAMPLE.com' } })).toEqual(
      { ...ours, type: 'apply-invalidation', id: 2, target: { domain: 'example.com' } },
    );
    expect(asWorkerMessage({ ...ours, type: 'invalidate', id: 1, target: { address: 'not an address' } })).toBeNull();
    expect(asPrimaryMessage({ ...ours, type: 'apply-invalidation', id: 2, target: {} })).toBeNull();
  });

  test('primary → worker', () => {
    expect(asPrimaryMessage({ ...ours, type: 'invalidation-relayed', id: 3, everyWorker: false })).toEqual({
      ...ours,
      type: 'invalidation-relayed',
      id: 3,
      everyWorker: false,
    });
    expect(asPrimaryMessage({ ...ours, type: 'shutdown', signal: 'SIGINT' })).toEqual({
      ...ours,
      type: 'shutdown',
      signal: 'SIGINT',
    });
    expect(asPrimaryMessage({ ...ours, type: 'exit-now', signal: 'SIGTERM' })).toEqual({
      ...ours,
      type: 'exit-now',
      signal: 'SIGTERM',
    });
  });
});

describe('cluster IPC messages › not ours, or malformed: null', () => {
  test.each([
    ['rate-limiter-flexible’s own', { channel: 'rate_limiter_flexible', type: 'init', opts: {} }],
    ['node:cluster’s internal', { cmd: 'NODE_CLUSTER', act: 'online' }],
    ['not an object', 'ready'],
    ['null', null],
    ['an unknown type', { ...ours, type: 'reboot' }],
    ['an id that is not an integer', { ...ours, type: 'invalidation-applied', id: '7' }],
    ['no id', { ...ours, type: 'invalidate', target: { domain: 'example.com' } }],
  ])('%s', (_label, message) => {
    expect(asWorkerMessage(message)).toBeNull();
    expect(asPrimaryMessage(message)).toBeNull();
  });

  test('a direction’s messages are not the other’s', () => {
    expect(asPrimaryMessage({ ...ours, type: 'ready' })).toBeNull();
    expect(asWorkerMessage({ ...ours, type: 'shutdown', signal: 'SIGTERM' })).toBeNull();
  });

  test('a signal that does not stop the service; a relay answer without its verdict', () => {
    expect(asPrimaryMessage({ ...ours, type: 'shutdown', signal: 'SIGHUP' })).toBeNull();
    expect(asPrimaryMessage({ ...ours, type: 'invalidation-relayed', id: 3 })).toBeNull();
  });
});
