/**
 * The two access types the provider's account administration offers per mailbox:
 * `pop` ("POP access": POP3 or IMAP plus authenticated SMTP) and `business` ("Business Mail":
 * Hosted Exchange).
 */
export const ACCESS_TYPES = ['pop', 'business'] as const;
export type AccessType = (typeof ACCESS_TYPES)[number];
