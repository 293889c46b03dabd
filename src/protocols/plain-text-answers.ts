import { plainTextAnswer, type Answer } from '../http/answer';
import { ADDRESS_ERROR_MESSAGES, type AddressError } from '../model/email-address';

/** The answers autoconfig and Apple profiles share: their formats have no error body of their own. */
export const PLAIN_TEXT_ANSWERS = {
  rateLimited: (retryAfterSeconds: number): Answer =>
    plainTextAnswer(429, 'Too many requests; try again later.', retryAfterSeconds),
  invalidAddress: (error: AddressError): Answer =>
    plainTextAnswer(400, `emailaddress: ${ADDRESS_ERROR_MESSAGES[error]}`),
  unavailable: (retryAfterSeconds: number): Answer =>
    plainTextAnswer(503, 'The account directory cannot be reached; try again later.', retryAfterSeconds),
};
