import dns from 'node:dns';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { buildConnector } from 'undici';
import { checkConnection, connectionAllowed, ForbiddenAddress, type PrivateAllowList } from './address-policy';

/**
 * The server-side request forgery guard applied to connections. The check is made on the address
 * a connection is actually opened to — inside the DNS lookup the socket uses, and again on the
 * connected socket — so a name that resolves to a public address when first looked at and to
 * 127.0.0.1 a moment later (DNS rebinding) is still refused. Nothing is sent to a refused address.
 */

/**
 * A `lookup` for sockets that drops refused addresses from the answer and fails with
 * {@link ForbiddenAddress} when none is left, so a socket never even opens to one.
 */
export function guardedLookup(allow: PrivateAllowList, lookup: LookupFunction = dns.lookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      if (Array.isArray(address)) {
        const ok = address.filter((a) => connectionAllowed(hostname, a.address, allow));
        if (ok.length === 0 && address.length > 0) return callback(checkConnection(hostname, address[0]!.address, allow) as NodeJS.ErrnoException, '', 0);
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, ok);
      }
      const refused = checkConnection(hostname, address, allow);
      if (refused) return callback(refused as NodeJS.ErrnoException, '', 0);
      callback(null, address, family);
    });
  };
}

/**
 * An undici connector that applies the guard: IP literals are judged before connecting, names
 * inside the lookup the socket uses, and the connected socket's remote address once more before
 * undici may write to it.
 */
export function guardedConnector(allow: PrivateAllowList, lookup?: LookupFunction): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(allow, lookup) });
  return (options, callback) => {
    const hostname = options.hostname.replace(/^\[|\]$/g, '');
    if (isIP(hostname)) {
      const refused = checkConnection(hostname, hostname, allow);
      if (refused) return void queueMicrotask(() => callback(refused, null));
    }
    connect(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('connect failed'), null);
      const remote = (socket as Socket).remoteAddress;
      const refused = remote ? checkConnection(hostname, remote, allow) : new ForbiddenAddress(hostname, '(unknown)', 'reserved');
      if (refused) {
        socket.destroy();
        return callback(refused, null);
      }
      callback(null, socket);
    });
  };
}
