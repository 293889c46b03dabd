import { restartDelayMs } from '../../src/cluster/primary';

describe('restartDelayMs › the wait before replacing a dead worker', () => {
  test('after a healthy run (first death in a row) › 100 ms', () => {
    expect(restartDelayMs(1)).toBe(100);
  });

  test('doubles with each quick death in a row', () => {
    expect([2, 3, 4, 5].map(restartDelayMs)).toEqual([200, 400, 800, 1600]);
  });

  test('never more than 30 s, however many deaths, so a crashing worker is a fork every 30 s at worst', () => {
    expect(restartDelayMs(10)).toBe(30_000);
    expect(restartDelayMs(1_000_000)).toBe(30_000);
  });

  test('never less than 100 ms, so never a hot loop', () => {
    expect(restartDelayMs(0)).toBe(100);
    expect(restartDelayMs(-3)).toBe(100);
  });
});
