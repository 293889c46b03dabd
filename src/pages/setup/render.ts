import type {
  AddressedMailSettings,
  BusinessMailSettings,
  MailServer,
  PopAccessSettings,
} from '../../model/mail-settings';
import type { EmailAddress } from '../../model/email-address';
import type { DiscoveryOutcome } from '../../protocols/protocol-outcome';
import { safeHtml, type Html, type HtmlValue } from './html';
import { SETUP_LANGUAGES, type SetupLanguage } from './language';
import { SETUP_MESSAGES, type SetupMessages } from './messages';
import { profileLink, SETUP_PAGE_PATH, SETUP_STYLESHEET_PATH, setupPageLink } from './paths';
import { qrCodeSvg } from './qr-code';

/** What the page says about the provider itself, the same for every address. */
export interface SetupPageSite {
  readonly providerName: string;
  /** Webmail for POP access (Business Mail's is its Exchange Web Access URL, from the settings). */
  readonly webmailUrl: string;
  /** Where this service is reached from outside (autodiscover.publicUrl): the QR code's link is absolute on it. */
  readonly publicUrl: string;
}

/** What became of the request: a form to fill in, a refusal, or settings (through discover(), like every protocol). */
export type SetupPageOutcome =
  | { readonly kind: 'form' }
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }
  | DiscoveryOutcome<null, AddressedMailSettings>;

export interface SetupPageView {
  readonly language: SetupLanguage;
  /** The address as the person typed it (cut short), to fill the field in again; null: none given. */
  readonly typed: string | null;
  readonly outcome: SetupPageOutcome;
}

// The templates below are tagged safeHtml, not html, so that Prettier leaves their markup alone.

/** The page, as one HTML document. Pure: the same view gives the same bytes (golden files). */
export function renderSetupPage(view: SetupPageView, site: SetupPageSite): string {
  const text = SETUP_MESSAGES[view.language];
  const { outcome } = view;
  const problem = problemOf(outcome, text);
  const addressForLinks = outcome.kind === 'settings' ? outcome.settings.user.address.address : view.typed;
  const settings = outcome.kind === 'settings' ? settingsSection(outcome.settings, text, site) : null;
  return safeHtml`<!DOCTYPE html>
<html lang="${view.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text.title} · ${site.providerName}</title>
<link rel="stylesheet" href="${SETUP_STYLESHEET_PATH}">
</head>
<body>
<header>
<nav aria-label="${text.languageSwitchLabel}">
<ul class="languages">
${SETUP_LANGUAGES.map((language) => languageLink(language, view.language, addressForLinks))}</ul>
</nav>
<p class="provider">${site.providerName}</p>
<h1>${text.title}</h1>
</header>
<main>
${addressForm(view, text, problem)}${settings}</main>
</body>
</html>
`.markup;
}

function languageLink(language: SetupLanguage, current: SetupLanguage, address: string | null): Html {
  const name = SETUP_MESSAGES[language].languageName;
  const href = setupPageLink(language, address);
  const currentMark = language === current ? safeHtml` aria-current="page"` : null;
  return safeHtml`<li><a href="${href}" hreflang="${language}" lang="${language}"${currentMark}>${name}</a></li>
`;
}

/** The message shown under the field, when the page could not show settings. */
function problemOf(outcome: SetupPageOutcome, text: SetupMessages): string | null {
  switch (outcome.kind) {
    case 'form':
    case 'settings':
      return null;
    case 'invalid-address':
      return text.addressErrors[outcome.addressError];
    case 'not-hosted':
      return text.notHosted(outcome.domain);
    case 'unavailable':
      return text.unavailable;
    case 'rate-limited':
      return text.rateLimited(outcome.retryAfterSeconds);
  }
}

function addressForm(view: SetupPageView, text: SetupMessages, problem: string | null): Html {
  const describedBy = problem === null ? 'address-hint' : 'address-hint address-problem';
  const invalidMark = view.outcome.kind === 'invalid-address' ? safeHtml` aria-invalid="true"` : null;
  const problemLine =
    problem === null
      ? null
      : safeHtml`<p id="address-problem" class="problem" role="alert">${problem}</p>
`;
  return safeHtml`<form method="get" action="${SETUP_PAGE_PATH}" class="lookup">
<p>${text.intro}</p>
<label for="address">${text.addressLabel}</label>
<p id="address-hint" class="hint">${text.addressHint}</p>
<div class="field">
<input id="address" name="address" type="text" inputmode="email" autocomplete="email" autocapitalize="none" spellcheck="false" value="${view.typed ?? ''}" aria-describedby="${describedBy}"${invalidMark}>
<button type="submit">${text.submit}</button>
</div>
<input type="hidden" name="lang" value="${view.language}">
${problemLine}</form>
`;
}

function settingsSection(settings: AddressedMailSettings, text: SetupMessages, site: SetupPageSite): Html {
  const address = settings.user.address;
  const accessType = settings.accessType === 'pop' ? popAccess(settings, text) : businessMail(settings, text);
  const webmailUrl = settings.accessType === 'pop' ? site.webmailUrl : settings.exchange.owaUrl;
  return safeHtml`<section class="settings" aria-labelledby="settings-heading">
<h2 id="settings-heading">${text.settingsHeading} <span class="address">${address.address}</span></h2>
${accessType}${appleProfiles(address, text, site)}${mailClients(text)}${webmail(webmailUrl, text)}</section>
`;
}

function popAccess(settings: PopAccessSettings<EmailAddress>, text: SetupMessages): Html {
  const incoming = settings.incoming.map((server) => ({ name: text.protocolNames[server.protocol], server }));
  const outgoing = settings.outgoing.map((server) => ({ name: text.protocolNames.smtp, server }));
  return safeHtml`<p class="access-type">${text.accountTypeLabel}: <strong>${text.popAccessName}</strong></p>
<p>${text.popAccessChoose} ${text.popVersusImap}</p>
<h3>${text.incomingHeading}</h3>
${serverTable(incoming, text)}<p>${text.keepCopy}</p>
<h3>${text.outgoingHeading}</h3>
${serverTable(outgoing, text)}<p>${text.outgoingAuthentication}</p>
<p>${text.port25}</p>
${login(settings.username ?? settings.user.address.address, null, text)}`;
}

function businessMail(settings: BusinessMailSettings<EmailAddress>, text: SetupMessages): Html {
  const { exchange } = settings;
  const username = settings.username ?? settings.user.address.address;
  return safeHtml`<p class="access-type">${text.accountTypeLabel}: <strong>${text.businessMailName}</strong></p>
<p>${text.businessMailChoose}</p>
<p>${text.businessMailAutomatic}</p>
<h3>${text.exchangeHeading}</h3>
<dl>
<dt>${text.exchangeServerLabel}</dt>
<dd><code>${exchange.host}</code></dd>
<dt>${text.webAccessUrlLabel}</dt>
<dd><code>${exchange.owaUrl}</code> <span class="note">${text.webAccessUrlNote}</span></dd>
<dt>${text.windowsDomainLabel}</dt>
<dd><code>${settings.windowsDomain}</code> <span class="note">${text.windowsDomainNote}</span></dd>
</dl>
${login(username, settings.mobileUsername, text)}`;
}

interface NamedServer {
  readonly name: string;
  readonly server: MailServer;
}

function serverTable(rows: readonly NamedServer[], text: SetupMessages): Html {
  const body = rows.map(
    ({ name, server }) =>
      safeHtml`<tr><th scope="row">${name}</th><td><code>${server.host}</code></td><td>${server.port}</td><td>${text.socketNames[server.socket]}</td></tr>
`,
  );
  return safeHtml`<table>
<thead><tr><th scope="col">${text.protocolColumn}</th><th scope="col">${text.serverColumn}</th><th scope="col">${text.portColumn}</th><th scope="col">${text.securityColumn}</th></tr></thead>
<tbody>
${body}</tbody>
</table>
`;
}

function login(username: string, mobileUsername: string | null, text: SetupMessages): Html {
  const phone: HtmlValue =
    mobileUsername === null || mobileUsername === username
      ? null
      : safeHtml`<dt>${text.phoneUsernameLabel}</dt>
<dd><code>${mobileUsername}</code> <span class="note">${text.phoneUsernameRule}</span></dd>
`;
  return safeHtml`<h3>${text.loginHeading}</h3>
<dl>
<dt>${text.usernameLabel}</dt>
<dd><code>${username}</code> <span class="note">(${text.usernameIsAddress})</span></dd>
${phone}<dt>${text.passwordLabel}</dt>
<dd>${text.passwordText}</dd>
</dl>
`;
}

function appleProfiles(address: EmailAddress, text: SetupMessages, site: SetupPageSite): Html {
  const iosLink = profileLink(address.address, 'ios');
  // A phone reads the code off another screen: the link must name this service's public host.
  const iosUrl = new URL(iosLink, site.publicUrl).href;
  return safeHtml`<h3>${text.appleHeading}</h3>
<p>${text.appleIntro}</p>
<p class="buttons"><a class="button" id="profile-ios" href="${iosLink}">${text.downloadIos}</a> <a class="button" id="profile-mac" href="${profileLink(address.address, 'macos')}">${text.downloadMac}</a></p>
<figure class="qr">
<div role="img" aria-label="${text.qrLabel}">${qrCodeSvg(iosUrl)}</div>
<figcaption>${text.qrCaption}</figcaption>
</figure>
`;
}

/**
 * Links that open a mail program, only where a URL scheme for it exists: `ms-outlook://` opens
 * Outlook for iOS and Android. Thunderbird has no scheme that starts an account setup, and desktop
 * Outlook none either (docs/protocols.md §13), so they get words, not a link.
 */
function mailClients(text: SetupMessages): Html {
  return safeHtml`<h3>${text.clientsHeading}</h3>
<p>${text.outlookMobile} <a class="button secondary" href="ms-outlook://">${text.openOutlook}</a></p>
<p>${text.desktopClients}</p>
`;
}

function webmail(url: string, text: SetupMessages): Html {
  return safeHtml`<h3>${text.webmailHeading}</h3>
<p>${text.webmailText} <a href="${url}">${url}</a></p>
`;
}
