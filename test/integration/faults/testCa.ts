/**
 * A throwaway certificate authority made with openssl: a CA, and a server certificate it signed
 * for 127.0.0.1/localhost. Returns undefined when openssl is not available.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestCa {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** Makes the CA and the server certificate in `dir` (created). */
export function makeTestCa(dir: string): TestCa | undefined {
  fs.mkdirSync(dir, { recursive: true });
  const ca: TestCa = {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    certFile: path.join(dir, 'server.pem'),
    keyFile: path.join(dir, 'server-key.pem'),
  };
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  try {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Celery Lens test CA'], dir);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
    openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server.pem', '-days', '1',
      '-extfile', 'ext.cnf'], dir);
  } catch {
    return undefined;
  }
  // RabbitMQ runs as us but reads the key through Erlang: make sure it may.
  fs.chmodSync(ca.keyFile, 0o644);
  return ca;
}
