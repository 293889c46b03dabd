import type { DestinationStream } from 'pino';
import { stdoutDestination } from '../http/stdout-destination';

/** Linux's PIPE_BUF: a write to a pipe of at most this many bytes is never interleaved with another process's. */
const PIPE_BUF = 4096;

/**
 * Stdout for a logger whose process shares it with others (cluster primary and workers): asynchronous
 * and bounded as createLogger's default, but each write holds whole lines and at most PIPE_BUF bytes (sonic-boom
 * batches lines up to `maxWrite`), so lines from different workers never cut into each other on a pipe.
 */
export function sharedStdoutDestination(): DestinationStream {
  return stdoutDestination({ maxWrite: PIPE_BUF });
}
