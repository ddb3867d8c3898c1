import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { SmtpCatcher } from '../../src/demo/smtp-catcher';

/** Read from the socket until the buffered reply contains `code` at a line start. */
function reply(socket: Socket, code: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (chunk: Buffer): void => {
      got += chunk.toString();
      if (got.split('\r\n').some((l) => l.startsWith(`${code} `))) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

describe('SmtpCatcher', () => {
  it('survives a sender that vanishes in the middle of a message, and takes the next one', async () => {
    const catcher = new SmtpCatcher();
    const { port } = await catcher.start();
    try {
      const socket = connect(port, '127.0.0.1');
      await reply(socket, '220');
      for (const [line, code] of [['EHLO test', '250'], ['MAIL FROM:<a@clinic.test>', '250'], ['RCPT TO:<b@clinic.test>', '250'], ['DATA', '354']] as const) {
        socket.write(`${line}\r\n`);
        await reply(socket, code);
      }
      socket.write('Subject: half\r\n\r\nthe sender is killed here');
      await new Promise((r) => setTimeout(r, 100));
      // A reset, as when the process on the other end is killed (not a polite FIN).
      socket.resetAndDestroy();
      for (const end = Date.now() + 2_000; catcher.brokenSessions === 0 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
      expect(catcher.brokenSessions).toBe(1);
      expect(catcher.messages).toEqual([]);

      const mailer = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
      await mailer.sendMail({ from: 'a@clinic.test', to: 'b@clinic.test', subject: '下一封', text: 'ok' });
      expect((await catcher.waitFor(1, 5_000)).map((m) => m.subject)).toEqual(['下一封']);
    } finally {
      await catcher.stop();
    }
  });
});
