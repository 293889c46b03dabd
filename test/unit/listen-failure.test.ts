import { describeListenFailure, PORT_SETTINGS } from '../../src/http/listen-failure';

const failure = (code: string, message = `listen ${code}`): NodeJS.ErrnoException =>
  Object.assign(new Error(message), { code });

describe('describeListenFailure › one line with the setting to change', () => {
  test.each<[string, Error, string, number, keyof typeof PORT_SETTINGS, string]>([
    [
      'port taken',
      failure('EADDRINUSE'),
      '0.0.0.0',
      8080,
      'http',
      'cannot listen on 0.0.0.0:8080: port 8080 is already in use; stop what listens there, or set another port in server.port (env PORT)',
    ],
    [
      'privileged port, HTTPS',
      failure('EACCES'),
      '0.0.0.0',
      443,
      'https',
      'cannot listen on 0.0.0.0:443: not allowed to use port 443 (ports below 1024 need privileges); set a port from 1024 up in server.https.port and put a proxy or port mapping in front, or grant the process CAP_NET_BIND_SERVICE',
    ],
    [
      'host not on this machine, IPv6',
      failure('EADDRNOTAVAIL'),
      '2001:db8::1',
      9100,
      'metrics',
      'cannot listen on [2001:db8::1]:9100: 2001:db8::1 is not an address of this machine; set server.host (env HOST) to one of its addresses, or 0.0.0.0 for all',
    ],
    [
      'anything else',
      failure('EINVAL', 'listen EINVAL: invalid argument'),
      'x',
      8080,
      'http',
      'cannot listen on x:8080: listen EINVAL: invalid argument; check server.host (env HOST) and server.port (env PORT)',
    ],
  ])('%s', (_label, error, host, port, listener, expected) => {
    expect(describeListenFailure(error, host, port, PORT_SETTINGS[listener])).toBe(expected);
  });
});
