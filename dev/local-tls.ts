import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';

/** A key and a self-signed certificate for 127.0.0.1, and the certificate's file (for NODE_EXTRA_CA_CERTS). */
export interface LocalTls {
  readonly key: string;
  readonly cert: string;
  readonly certFile: string;
  readonly remove: () => void;
}

/**
 * A throwaway TLS identity for 127.0.0.1, made with the `openssl` command, so that local
 * stand-ins speak HTTPS as AWS endpoints do (a cold start then pays its TLS handshakes, as on
 * Lambda). Undefined where `openssl` is not installed.
 */
export function localTls(): LocalTls | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'local-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Terminates TLS on a free port of 127.0.0.1 and passes the bytes on to `targetPort` (e.g. DynamoDB Local). */
export async function tlsProxy(
  tls: LocalTls,
  targetPort: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<{ destroy(): void }>();
  // No Nagle on either side, as an AWS endpoint's own TLS would have: with it, a request written
  // in two pieces (headers, then body) waits out the peer's delayed ACK, ~40 ms per new connection.
  const server: Server = createTlsServer({ key: tls.key, cert: tls.cert, noDelay: true }, (client) => {
    const upstream = connect({ port: targetPort, host: '127.0.0.1', noDelay: true });
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
