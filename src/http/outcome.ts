import type { Response } from 'express';

/** What the request log line says about a discovery request; never the local part of an address. */
export interface RequestOutcome {
  readonly protocol: 'autodiscover' | 'autodiscover-json' | 'autoconfig' | 'mobileconfig';
  readonly outcome: string;
  readonly domain?: string;
  readonly accessType?: string;
}

export function recordOutcome(res: Response, outcome: RequestOutcome): void {
  res.locals['outcome'] = outcome;
}

export function outcomeOf(res: { locals?: Record<string, unknown> }): RequestOutcome | undefined {
  return res.locals?.['outcome'] as RequestOutcome | undefined;
}
