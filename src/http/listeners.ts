import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { resolve } from 'node:path';
import type { Express } from 'express';
import type { AppConfig } from '../config/schema';

export interface Listener {
  readonly server: http.Server;
  readonly port: number;
  readonly scheme: 'http' | 'https';
}

/** Reads the TLS certificate and key named in config; problems name the key and the fix. */
export function readTlsFiles(config: AppConfig, configDir: string): { cert: Buffer; key: Buffer } | string[] | null {
  const tls = config.server.https;
  if (tls === null) return null;
  const problems: string[] = [];
  const read = (key: 'certFile' | 'keyFile'): Buffer => {
    const path = resolve(configDir, tls[key]);
    try {
      return readFileSync(path);
    } catch (error) {
      problems.push(
        `server.https.${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); fix the path or remove server.https`,
      );
      return Buffer.alloc(0);
    }
  };
  const files = { cert: read('certFile'), key: read('keyFile') };
  return problems.length > 0 ? problems : files;
}

/**
 * Creates the plain-HTTP listener and, when configured, the HTTPS one, with the timeouts that keep
 * slow or idle clients from holding sockets.
 */
export function createListeners(
  app: Express,
  config: AppConfig,
  tls: { cert: Buffer; key: Buffer } | null,
): Listener[] {
  // Node enforces headers/request timeouts on a sweep, every 30 s by default: too slow to matter
  // against a slowloris client, so sweep at least as often as the shortest timeout allows.
  const connectionsCheckingInterval = Math.min(1000, Math.floor(config.server.headersTimeoutMs / 2));
  const listeners: Listener[] = [
    { server: http.createServer({ connectionsCheckingInterval }, app), port: config.server.port, scheme: 'http' },
  ];
  if (tls !== null && config.server.https !== null) {
    const server = https.createServer({ cert: tls.cert, key: tls.key, connectionsCheckingInterval }, app);
    listeners.push({ server, port: config.server.https.port, scheme: 'https' });
  }
  for (const { server } of listeners) {
    server.headersTimeout = config.server.headersTimeoutMs;
    server.requestTimeout = config.server.requestTimeoutMs;
    server.keepAliveTimeout = config.server.keepAliveTimeoutMs;
  }
  return listeners;
}
