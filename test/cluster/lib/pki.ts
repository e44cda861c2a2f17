// Certificates for the test control plane, made with the openssl CLI (EC P-256: fast to generate).
// One CA signs the API server's serving certificate, the kubelet-side (kwok) serving certificate and
// one admin client certificate (O=system:masters) that the components and the kubeconfig use.
// The service-account token signing key is a separate EC key.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; code?: string };
    if (e.code === 'ENOENT') throw new Error('openssl is missing: install it (apt-get install openssl)');
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr?.toString() ?? String(err)}`);
  }
}

export function createPki(dir: string, extraSans: string[] = []): Pki {
  mkdirSync(dir, { recursive: true });
  const p = (n: string) => join(dir, n);
  const pki: Pki = {
    dir,
    caCert: p('ca.crt'), caKey: p('ca.key'),
    serverCert: p('server.crt'), serverKey: p('server.key'),
    adminCert: p('admin.crt'), adminKey: p('admin.key'),
    saKey: p('sa.key'), saPub: p('sa.pub'),
  };
  openssl(['req', '-x509', ...EC, '-keyout', pki.caKey, '-out', pki.caCert, '-days', '3650', '-subj', '/CN=logclaw-sim-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
  const sans = ['IP:127.0.0.1', 'IP:10.96.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local', ...extraSans];
  const signed = (key: string, cert: string, subj: string, ext: string[]) =>
    openssl(['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', '3650', '-CA', pki.caCert, '-CAkey', pki.caKey,
      '-subj', subj, '-addext', 'basicConstraints=CA:FALSE', ...ext.flatMap((e) => ['-addext', e])]);
  signed(pki.serverKey, pki.serverCert, '/CN=kube-apiserver', [`subjectAltName=${sans.join(',')}`,
    'extendedKeyUsage=serverAuth,clientAuth', 'keyUsage=critical,digitalSignature,keyEncipherment']);
  signed(pki.adminKey, pki.adminCert, '/O=system:masters/CN=kubernetes-admin', ['extendedKeyUsage=clientAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment']);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', pki.saKey]);
  openssl(['ec', '-in', pki.saKey, '-pubout', '-out', pki.saPub]);
  return pki;
}

export function readPem(path: string): string {
  return readFileSync(path, 'utf8');
}

/** A serving certificate for one DNS name, signed by the CA (webhook servers the test cluster plays): PEM cert and key. */
export function servingCert(pki: Pki, dns: string, dir: string): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const safe = dns.replace(/[^a-zA-Z0-9.-]/g, '_');
  const cert = join(dir, `${safe}.crt`);
  const key = join(dir, `${safe}.key`);
  openssl(['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', '3650', '-CA', pki.caCert, '-CAkey', pki.caKey,
    '-subj', `/CN=${dns}`, '-addext', 'basicConstraints=CA:FALSE', '-addext', `subjectAltName=DNS:${dns}`,
    '-addext', 'extendedKeyUsage=serverAuth', '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment']);
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}
