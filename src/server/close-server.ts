import type { Server } from 'node:http';

/**
 * Stop listening and end every connection, idle keep-alive ones included: `server.close()` alone
 * waits for clients that keep a connection open, so a stop could hang for their timeout.
 */
export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}
