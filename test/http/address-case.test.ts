/**
 * A listed mailbox typed in mixed case is the same mailbox: every endpoint looks it up by its lookup
 * key, so `Business.User@Example.COM` gets Business Mail settings, not the domain's POP access
 * default (example.com defaults to POP access), and the address it shows is the one typed.
 */
import request from 'supertest';
import { autodiscoverRequestBody } from '../support/hostile';
import { exampleApp } from '../support/app';
import { postAutodiscover } from '../support/http';

const TYPED = 'Business.User@Example.COM';
const app = exampleApp();

describe('a listed Business Mail mailbox typed in mixed case', () => {
  test('Outlook POX: Exchange settings (EXCH or EXPR), no IMAP', async () => {
    const res = await postAutodiscover(app, autodiscoverRequestBody(TYPED, 'outlook'));
    expect(res.text).toMatch(/<Type>EX(CH|PR)<\/Type>/);
    expect(res.text).not.toContain('<Type>IMAP</Type>');
  });

  test('mobilesync: an ActiveSync server, not the 501 a POP access mailbox gets', async () => {
    const res = await postAutodiscover(app, autodiscoverRequestBody(TYPED, 'mobilesync'));
    expect(res.text).toContain('<Type>MobileSync</Type>');
    expect(res.text).not.toContain('<ErrorCode>');
  });

  test('v2 JSON, path and query forms: ActiveSync offered', async () => {
    for (const path of [
      `/autodiscover/autodiscover.json/v1.0/${TYPED}?Protocol=ActiveSync`,
      `/autodiscover/autodiscover.json?Email=${encodeURIComponent(TYPED)}&Protocol=ActiveSync`,
    ]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ Protocol: 'ActiveSync' });
    }
  });

  test('Thunderbird autoconfig: an Exchange server, no IMAP', async () => {
    const res = await request(app).get(`/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(TYPED)}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<incomingServer type="(exchange|ews)">/);
    expect(res.text).not.toContain('<incomingServer type="imap">');
  });

  test('Apple profile: the Exchange ActiveSync payload', async () => {
    const res = await request(app).get(`/mobileconfig?emailaddress=${encodeURIComponent(TYPED)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('com.apple.eas.account');
    expect(res.text).not.toContain('com.apple.mail.managed');
  });
});
