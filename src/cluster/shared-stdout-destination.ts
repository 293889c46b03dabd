import pino, { type DestinationStream } from 'pino';

/** Linux's PIPE_BUF: a write to a pipe of at most this many bytes is never interleaved with another process's. */
const PIPE_BUF = 4096;

/**
 * Stdout for a logger whose process shares it with others (cluster primary and workers): asynchronous
 * as createLogger's default, but each write holds whole lines and at most PIPE_BUF bytes (sonic-boom
 * batches lines up to `maxWrite`), so lines from different workers never cut into each other on a pipe.
 */
export function sharedStdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, maxWrite: PIPE_BUF });
}
