import type { DecodedText } from '../../http/query-param';
import { err, ok, type Result } from '../../model/result';

/**
 * Which Apple system a profile is for. It matters only for Business Mail: the Exchange payload
 * iPhone and iPad read (`com.apple.eas.account`) does not exist on macOS, and the one Macs read
 * (`com.apple.ews.account`) does not exist on iOS (docs/protocols.md §7.5).
 */
export type ApplePlatform = 'ios' | 'macos';

export const APPLE_PLATFORMS: readonly ApplePlatform[] = ['ios', 'macos'];

/** A `platform` parameter that names neither system: refused with 400, never guessed around. */
export interface InvalidPlatform {
  readonly kind: 'unknown-platform';
  /** The value as decoded (or as sent, when it does not decode), for the error message. */
  readonly asSent: string;
}

/**
 * The platform a profile request asks for: the `platform` query parameter when present (`ios` or
 * `macos`, in any letter case), otherwise what the User-Agent suggests (platformOfUserAgent).
 */
export function choosePlatform(
  platformParam: DecodedText | undefined,
  userAgent: string | undefined,
): Result<ApplePlatform, InvalidPlatform> {
  if (platformParam === undefined) return ok(platformOfUserAgent(userAgent ?? ''));
  if (!platformParam.ok) return err({ kind: 'unknown-platform', asSent: platformParam.error.asSent });
  const named = APPLE_PLATFORMS.find((platform) => platform === platformParam.value.toLowerCase());
  return named === undefined ? err({ kind: 'unknown-platform', asSent: platformParam.value }) : ok(named);
}

/** Tokens only iOS and iPadOS browsers send: the device names, and the iOS builds of other browsers. */
const IOS_USER_AGENT = /\b(?:iPhone|iPad|iPod)\b|\b(?:CriOS|FxiOS|EdgiOS|OPiOS)\//;
const MAC_USER_AGENT = /\bMacintosh\b/;

/**
 * The platform a User-Agent suggests. A `Macintosh` agent is a Mac, or an iPad: iPadOS Safari asks
 * for desktop sites by default and then sends the Mac's agent unchanged, so no header tells them
 * apart. It gets the Mac payload, the choice that fails safest (docs/protocols.md §7.5); setup links
 * for iPad name `platform=ios`. Anything else (an iPhone, an agent that names no Apple system) gets
 * the iOS payload, the answer before Macs had one.
 */
export function platformOfUserAgent(userAgent: string): ApplePlatform {
  if (IOS_USER_AGENT.test(userAgent)) return 'ios';
  return MAC_USER_AGENT.test(userAgent) ? 'macos' : 'ios';
}
