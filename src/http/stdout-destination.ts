import { constants, openSync, writeSync } from 'node:fs';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Log bytes held while stdout takes none (a stalled log shipper); past this, lines are dropped and
 * counted rather than held or waited for. About 25,000 request lines: seconds of full load.
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** The most an exit waits for the log to reach stdout; a reader that stopped gets no more. */
export const EXIT_LOG_FLUSH_BOUND_MS = 1_000;

/**
 * Stdout for the logger, asynchronous (sonic-boom, `sync: false`) so a slow reader never blocks the
 * event loop, and bounded, so a reader that stops neither grows the heap nor hangs the exit:
 * - while running, lines past MAX_BUFFERED_BYTES are dropped (sonic-boom's `maxLength`) and counted;
 * - pino's on-exit hook flushes with a synchronous write, which on a full pipe waits for ever
 *   (stdout is a blocking descriptor); here it writes nothing: exits flush asynchronously first, with
 *   a bound (exitAfterLogFlush), and what is still unwritten then is lost and said on stderr.
 * `maxWrite` bounds each write (the cluster's shared stdout keeps lines whole with it).
 */
export function stdoutDestination({ maxWrite }: { maxWrite?: number } = {}): DestinationStream {
  const stream = pino.destination({
    dest: nonBlockingStdout(),
    sync: false,
    // Lines go in as bytes (below): in its default mode sonic-boom measures the UTF-8 length of the
    // whole batch held so far on every line, a tenth of the log's cost per request under load.
    contentMode: 'buffer',
    maxLength: MAX_BUFFERED_BYTES,
    ...(maxWrite === undefined ? {} : { maxWrite }),
  });

  let droppedLines = 0;
  let unwrittenBytes = 0;
  stream.on('drop', () => droppedLines++);
  // sonic-boom's own flush(cb) (minLength 0) calls back at once, before anything is written.
  let waitingForWritten: Array<() => void> = [];
  stream.on('write', (written: number) => {
    unwrittenBytes -= written;
    if (unwrittenBytes > 0 || waitingForWritten.length === 0) return;
    const callbacks = waitingForWritten;
    waitingForWritten = [];
    for (const callback of callbacks) callback();
  });
  stream.flush = (callback?: () => void): void => {
    if (callback === undefined) return;
    if (unwrittenBytes === 0) callback();
    else waitingForWritten.push(callback);
  };
  // In buffer mode sonic-boom takes bytes, which its typings do not say.
  const bufferBytes = stream.write.bind(stream) as unknown as (bytes: Buffer) => boolean;
  stream.write = (line: string): boolean => {
    const bytes = Buffer.from(line);
    const droppedBefore = droppedLines;
    const belowHighWaterMark = bufferBytes(bytes);
    if (droppedLines === droppedBefore) unwrittenBytes += bytes.length;
    return belowHighWaterMark;
  };

  // pino calls flushSync after every fatal line as well as at exit: it writes nothing (see above), and
  // what is lost is said once, when the process exits, not while a fatal line is still on its way.
  stream.flushSync = (): void => undefined;
  atExit.add(() => {
    if (droppedLines === 0 && unwrittenBytes === 0) return;
    writeSync(
      2,
      `mail-autodiscover (pid ${process.pid}): stdout stopped taking the log: ${droppedLines} log lines dropped, ` +
        `${unwrittenBytes} bytes of log unwritten at exit\n`,
    );
  });
  return stream;
}

/** Each stdout destination's report of what it lost, run by one 'exit' listener. */
const atExit = new Set<() => void>();
process.once('exit', () => {
  for (const report of atExit) report();
});

/**
 * A descriptor for stdout whose writes never block: a full pipe answers sonic-boom's writes with
 * EAGAIN (retried on a timer) instead of holding a libuv thread in write(2), which the exit waits for
 * (libuv joins its threads), for ever.
 *
 * Blocking is a flag of the open file description, which fd 1 shares with every process it was
 * inherited from or passed to: Node makes it non-blocking when it opens process.stdout, but a cluster
 * fork hands it to a worker, and the worker's start makes it blocking again for all of them. So each
 * process opens stdout anew (/proc/self/fd/1, Linux: a description of its own, appending), with
 * O_NONBLOCK. Where that cannot be done (no /proc, a socket), fd 1 as it is, opened through
 * process.stdout, which makes it non-blocking in a single process.
 */
function nonBlockingStdout(): number {
  try {
    return openSync('/proc/self/fd/1', constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK);
  } catch {
    // The listener keeps a closed stdout (EPIPE) from crashing the process through an unhandled 'error'.
    process.stdout.on('error', () => undefined);
    return 1;
  }
}

/** process.exit(code) once the log has reached stdout, or after EXIT_LOG_FLUSH_BOUND_MS if it cannot. */
export function exitAfterLogFlush(logger: Logger, code: number): void {
  const exit = (): never => process.exit(code);
  setTimeout(exit, EXIT_LOG_FLUSH_BOUND_MS);
  logger.flush(exit);
}
