import type { AddressError } from '../../model/email-address';
import type { IncomingProtocol, SocketType } from '../../model/mail-settings';
import type { SetupLanguage } from './language';

/**
 * Everything the page says, in each language. The facts and advice follow the provider's help page
 * ("E-mailadgang"); the values in them (hosts, ports, names) come from the settings, never from here.
 */
export interface SetupMessages {
  readonly languageName: string;
  readonly languageSwitchLabel: string;
  readonly title: string;
  readonly intro: string;
  readonly addressLabel: string;
  readonly addressHint: string;
  readonly submit: string;
  readonly addressErrors: Readonly<Record<AddressError, string>>;
  readonly notHosted: (domain: string) => string;
  readonly unavailable: string;
  readonly rateLimited: (seconds: number) => string;
  readonly settingsHeading: string;
  readonly accountTypeLabel: string;
  readonly popAccessName: string;
  readonly popAccessChoose: string;
  readonly popVersusImap: string;
  readonly businessMailName: string;
  readonly businessMailChoose: string;
  readonly businessMailAutomatic: string;
  readonly appleHeading: string;
  readonly appleIntro: string;
  readonly downloadIos: string;
  readonly downloadMac: string;
  readonly qrLabel: string;
  readonly qrCaption: string;
  readonly incomingHeading: string;
  readonly outgoingHeading: string;
  readonly protocolColumn: string;
  readonly serverColumn: string;
  readonly portColumn: string;
  readonly securityColumn: string;
  readonly protocolNames: Readonly<Record<IncomingProtocol | 'smtp', string>>;
  readonly socketNames: Readonly<Record<SocketType, string>>;
  readonly outgoingAuthentication: string;
  readonly port25: string;
  readonly keepCopy: string;
  readonly loginHeading: string;
  readonly usernameLabel: string;
  readonly usernameIsAddress: string;
  readonly phoneUsernameLabel: string;
  readonly phoneUsernameRule: string;
  readonly passwordLabel: string;
  readonly passwordText: string;
  readonly exchangeHeading: string;
  readonly exchangeServerLabel: string;
  readonly webAccessUrlLabel: string;
  readonly webAccessUrlNote: string;
  readonly windowsDomainLabel: string;
  readonly windowsDomainNote: string;
  readonly clientsHeading: string;
  readonly outlookMobile: string;
  readonly openOutlook: string;
  readonly desktopClients: string;
  readonly webmailHeading: string;
  readonly webmailText: string;
}

const ENGLISH: SetupMessages = {
  languageName: 'English',
  languageSwitchLabel: 'Language',
  title: 'Set up your e-mail',
  intro: 'Type your e-mail address to see the settings for your mail program, phone or tablet.',
  addressLabel: 'E-mail address',
  addressHint: 'For example jane@example.com',
  submit: 'Show settings',
  addressErrors: {
    empty: 'Type your e-mail address.',
    'too-long': 'That address is longer than an e-mail address can be (254 characters).',
    'control-character': 'That address contains characters an e-mail address cannot have.',
    'missing-at': 'An e-mail address has an "@" in it, like jane@example.com.',
    'local-part-too-long': 'The part before the "@" is longer than 64 characters.',
    'quoted-local-part': 'Addresses with quotation marks are not supported.',
    'invalid-local-part': 'The part before the "@" contains characters an e-mail address cannot have.',
    'invalid-domain': 'The part after the "@" is not a valid domain name.',
    'invalid-utf8': 'That address could not be read; type it again.',
  },
  notHosted: (domain) => `We do not provide e-mail for ${domain}. Check the address, or ask whoever provides it.`,
  unavailable: 'The settings cannot be looked up right now. Please try again in a minute.',
  rateLimited: (seconds) => `Too many lookups from your network. Please try again in ${seconds} seconds.`,
  settingsHeading: 'Settings for',
  accountTypeLabel: 'Account type',
  popAccessName: 'POP access',
  popAccessChoose: 'When your program asks for the account type, choose IMAP (or POP).',
  popVersusImap:
    'IMAP keeps your e-mail on the server and shows it as read, answered or forwarded on every device. POP downloads it to one computer or phone.',
  businessMailName: 'Business Mail (Hosted Exchange)',
  businessMailChoose:
    'When your program asks for the account type, choose Exchange. Your e-mail, calendar and contacts stay on the server, the same on every device.',
  businessMailAutomatic:
    'Many programs and phones set the account up by themselves: type your address and password, and they fetch the rest.',
  appleHeading: 'iPhone, iPad and Mac',
  appleIntro: 'Download a profile that sets up the account; you only type your password.',
  downloadIos: 'Download profile for iPhone and iPad',
  downloadMac: 'Download profile for Mac',
  qrLabel: 'QR code that opens the profile for iPhone and iPad',
  qrCaption: 'On an iPhone or iPad, point the camera at this code to open the profile.',
  incomingHeading: 'Incoming mail server',
  outgoingHeading: 'Outgoing mail server (SMTP)',
  protocolColumn: 'Type',
  serverColumn: 'Server',
  portColumn: 'Port',
  securityColumn: 'Security',
  protocolNames: { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' },
  socketNames: { tls: 'SSL/TLS', starttls: 'STARTTLS' },
  outgoingAuthentication:
    'The outgoing server needs authentication with the same username and password as the incoming server.',
  port25:
    'Many internet providers block port 25. Use the ports above, which are meant for mail programs; if sending still fails, ask your internet provider.',
  keepCopy:
    'With POP, turn on "Leave a copy of messages on the server" if you also read your e-mail on another device or in webmail.',
  loginHeading: 'Username and password',
  usernameLabel: 'Username',
  usernameIsAddress: 'your full e-mail address',
  phoneUsernameLabel: 'Username on iPhone, Android and Symbian',
  phoneUsernameRule: 'On these phones the "@" in the username becomes "_".',
  passwordLabel: 'Password',
  passwordText: 'The password you chose when the account was created.',
  exchangeHeading: 'Exchange server',
  exchangeServerLabel: 'Server',
  webAccessUrlLabel: 'Web Access URL',
  webAccessUrlNote: 'Some programs write "https://" for you.',
  windowsDomainLabel: 'Domain',
  windowsDomainNote: 'Only where the program asks for a domain.',
  clientsHeading: 'Outlook and Thunderbird',
  outlookMobile: 'Outlook on a phone or tablet: open Outlook and add the account with your address.',
  openOutlook: 'Open Outlook',
  desktopClients:
    'Outlook and Thunderbird on a computer: add an account with your address and password; they find these settings by themselves.',
  webmailHeading: 'Webmail',
  webmailText: 'Read your e-mail in a browser, anywhere. Log in with your full e-mail address and password.',
};

const DANISH: SetupMessages = {
  languageName: 'Dansk',
  languageSwitchLabel: 'Sprog',
  title: 'Opsæt din e-mail',
  intro: 'Skriv din e-mailadresse for at se indstillingerne til dit e-mailprogram, din telefon eller tablet.',
  addressLabel: 'E-mailadresse',
  addressHint: 'For eksempel jane@example.com',
  submit: 'Vis indstillinger',
  addressErrors: {
    empty: 'Skriv din e-mailadresse.',
    'too-long': 'Adressen er længere, end en e-mailadresse kan være (254 tegn).',
    'control-character': 'Adressen indeholder tegn, som en e-mailadresse ikke kan have.',
    'missing-at': 'En e-mailadresse indeholder et "@", for eksempel jane@example.com.',
    'local-part-too-long': 'Delen før "@" er længere end 64 tegn.',
    'quoted-local-part': 'Adresser med anførselstegn understøttes ikke.',
    'invalid-local-part': 'Delen før "@" indeholder tegn, som en e-mailadresse ikke kan have.',
    'invalid-domain': 'Delen efter "@" er ikke et gyldigt domænenavn.',
    'invalid-utf8': 'Adressen kunne ikke læses; skriv den igen.',
  },
  notHosted: (domain) => `Vi leverer ikke e-mail til ${domain}. Kontrollér adressen, eller spørg den, der leverer den.`,
  unavailable: 'Indstillingerne kan ikke slås op lige nu. Prøv igen om et minut.',
  rateLimited: (seconds) => `For mange opslag fra dit netværk. Prøv igen om ${seconds} sekunder.`,
  settingsHeading: 'Indstillinger for',
  accountTypeLabel: 'Kontotype',
  popAccessName: 'POP-adgang',
  popAccessChoose: 'Når programmet spørger om kontotype, skal du vælge IMAP (eller POP).',
  popVersusImap:
    'Med IMAP bliver dine e-mails på serveren og vises som læst, besvaret eller videresendt på alle enheder. POP henter dem ned på én computer eller telefon.',
  businessMailName: 'Business Mail (Hosted Exchange)',
  businessMailChoose:
    'Når programmet spørger om kontotype, skal du vælge Exchange. Dine e-mails, kalendere og kontakter ligger på serveren, ens på alle enheder.',
  businessMailAutomatic:
    'Mange programmer og telefoner opsætter kontoen automatisk: skriv din adresse og adgangskode, så hentes resten fra serveren.',
  appleHeading: 'iPhone, iPad og Mac',
  appleIntro: 'Hent en profil, der opsætter kontoen; du skal kun skrive din adgangskode.',
  downloadIos: 'Hent profil til iPhone og iPad',
  downloadMac: 'Hent profil til Mac',
  qrLabel: 'QR-kode, der åbner profilen til iPhone og iPad',
  qrCaption: 'Peg kameraet på en iPhone eller iPad mod koden for at åbne profilen.',
  incomingHeading: 'Indgående mailserver',
  outgoingHeading: 'Udgående mailserver (SMTP)',
  protocolColumn: 'Type',
  serverColumn: 'Server',
  portColumn: 'Port',
  securityColumn: 'Sikkerhed',
  protocolNames: { imap: 'IMAP', pop3: 'POP3', smtp: 'SMTP' },
  socketNames: { tls: 'SSL/TLS', starttls: 'STARTTLS' },
  outgoingAuthentication:
    'Den udgående server kræver godkendelse med samme brugernavn og adgangskode som den indgående server.',
  port25:
    'Flere internetudbydere har lukket port 25. Brug portene ovenfor, som er beregnet til e-mailprogrammer; kan du stadig ikke sende, så kontakt din internetudbyder.',
  keepCopy:
    'Med POP skal du vælge "Gem kopi på server", hvis du også læser din e-mail på en anden enhed eller i webmail.',
  loginHeading: 'Brugernavn og adgangskode',
  usernameLabel: 'Brugernavn',
  usernameIsAddress: 'din fulde e-mailadresse',
  phoneUsernameLabel: 'Brugernavn på iPhone, Android og Symbian',
  phoneUsernameRule: 'På disse telefoner erstattes "@" i brugernavnet med "_".',
  passwordLabel: 'Adgangskode',
  passwordText: 'Den adgangskode, du valgte, da kontoen blev oprettet.',
  exchangeHeading: 'Exchange-server',
  exchangeServerLabel: 'Server',
  webAccessUrlLabel: 'Web Access URL',
  webAccessUrlNote: 'Nogle programmer skriver "https://" for dig.',
  windowsDomainLabel: 'Domæne',
  windowsDomainNote: 'Kun hvis programmet beder om et domæne.',
  clientsHeading: 'Outlook og Thunderbird',
  outlookMobile: 'Outlook på en telefon eller tablet: åbn Outlook, og tilføj kontoen med din adresse.',
  openOutlook: 'Åbn Outlook',
  desktopClients:
    'Outlook og Thunderbird på en computer: tilføj en konto med din adresse og adgangskode; de finder selv indstillingerne.',
  webmailHeading: 'Webmail',
  webmailText: 'Læs din e-mail i en browser, hvor som helst. Log ind med din fulde e-mailadresse og adgangskode.',
};

export const SETUP_MESSAGES: Readonly<Record<SetupLanguage, SetupMessages>> = { en: ENGLISH, da: DANISH };
