/**
 * FairEmail (GitHub/F-Droid builds) appends the address to the autoconfig URL without encoding it,
 * so a `+` in the local part arrives raw; in an address parameter a `+` is a `+` on every GET
 * endpoint that takes one (docs/protocols.md §1). supertest sends the target as written, raw `+`
 * included.
 */
import request from 'supertest';
import { exampleApp } from '../support/app';
import { nodeAt, parseProfile, parseXmlDocument, textAt } from '../support/documents';

const app = exampleApp();

/** What FairEmail's Misc.getISPDBUrls builds: "…?emailaddress=" + email, nothing encoded. */
const FAIREMAIL_ADDRESS = 'first.last+news@example.com';

describe('an address with a raw "+" in the query (FairEmail) › read as "+"', () => {
  test.each(['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml'])(
    'GET %s?emailaddress=first.last+news@example.com › 200, the username keeps its "+"',
    async (path) => {
      const res = await request(app).get(`${path}?emailaddress=${FAIREMAIL_ADDRESS}`);
      expect(res.status).toBe(200);
      const document = parseXmlDocument(res.text);
      expect(textAt(document, 'clientConfig/emailProvider/incomingServer[0]/username')).toBe(FAIREMAIL_ADDRESS);
    },
  );

  test('GET /autodiscover/autodiscover.json?Email=business.user+tag@example.org&Protocol=Ews › 200', async () => {
    const res = await request(app).get(
      '/autodiscover/autodiscover.json?Email=business.user+tag@example.org&Protocol=Ews',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ Protocol: 'Ews' });
  });

  test.each(['emailaddress', 'email'])(
    'GET /mobileconfig?%s=first.last+news@example.com › 200, EmailAddress keeps its "+"',
    async (name) => {
      const res = await request(app).get(`/mobileconfig?${name}=${FAIREMAIL_ADDRESS}`);
      expect(res.status).toBe(200);
      expect(nodeAt(parseProfile(res.text), 'PayloadContent[0]/EmailAddress')).toBe(FAIREMAIL_ADDRESS);
    },
  );
});

describe('the address parser is not weakened: a space is still no part of an address', () => {
  test.each([
    '/mail/config-v1.1.xml?emailaddress=first.last%20news%40example.com',
    '/mobileconfig?emailaddress=first.last%20news%40example.com',
  ])('%s › 400', async (target) => {
    expect((await request(app).get(target)).status).toBe(400);
  });

  test('v2 Email with an encoded space › 400 InvalidUser', async () => {
    const res = await request(app).get(
      '/autodiscover/autodiscover.json?Email=business.user%20tag%40example.org&Protocol=Ews',
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ErrorCode: 'InvalidUser' });
  });

  test('POX body with a space in the address › ErrorCode 600, as before', async () => {
    const res = await request(app)
      .post('/autodiscover/autodiscover.xml')
      .set('Content-Type', 'text/xml')
      .send(
        '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>first.last news@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>',
      );
    expect(res.text).toContain('<ErrorCode>600</ErrorCode>');
  });
});
