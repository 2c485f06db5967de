/**
 * Plain words for Node's TLS verification failures ("self-signed certificate in certificate chain",
 * "unable to verify the first certificate", ...), which do not say what to do about them.
 */

const UNTRUSTED = /self[- ]signed certificate|unable to (verify|get local issuer)|certificate (has expired|is not yet valid)|CERT_|UNABLE_TO_VERIFY/i;
const WRONG_HOST = /does not match certificate's altnames|ERR_TLS_CERT_ALTNAME_INVALID/i;

/** A parenthesised hint to append to a connect error, or '' when `message` is not a certificate failure. */
export function tlsVerifyHint(message: string): string {
  if (WRONG_HOST.test(message)) {
    return ' (the server\'s certificate was not issued for this host name: connect by a name it lists, or set ssl_cert_reqs=none to skip verification)';
  }
  if (UNTRUSTED.test(message)) {
    return ' (the server\'s certificate is not trusted: name its CA with ssl_ca_certs=/path/to/ca.pem, or set ssl_cert_reqs=none to skip verification)';
  }
  return '';
}
