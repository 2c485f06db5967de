import * as assert from 'node:assert/strict';
import { tlsVerifyHint } from '../../../src/core/broker/tlsHint';

describe('(unit) tlsVerifyHint', () => {
  it('explains an untrusted certificate (self-signed, unknown issuer, expired)', () => {
    for (const message of ['self-signed certificate in certificate chain', 'self signed certificate', 'unable to verify the first certificate',
      'unable to get local issuer certificate', 'certificate has expired']) {
      assert.match(tlsVerifyHint(message), /^ \(the server's certificate is not trusted: name its CA with ssl_ca_certs=.* or set ssl_cert_reqs=none/, message);
    }
  });

  it('explains a certificate issued for another host', () => {
    assert.match(tlsVerifyHint("Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list: 127.0.0.1"), /not issued for this host name/);
  });

  it('says nothing for other errors', () => {
    assert.equal(tlsVerifyHint('connect ECONNREFUSED 127.0.0.1:5671'), '');
    assert.equal(tlsVerifyHint('WRONGPASS invalid username-password pair'), '');
  });
});
