import { defineNotifier } from '../../src/alerts/notifiers/define';
import { createNotifierRegistry } from '../../src/alerts/notifiers/registry';
import { YuqingError } from '../../src/core/errors';
import { notifierContext, parseMainConfig } from '../helpers/notifier-context';

describe('createNotifierRegistry', () => {
  it('builds a notifier for each configured channel and none for the others', () => {
    const emailOnly = createNotifierRegistry(
      notifierContext(parseMainConfig({ channels: { email: { smtp: { host: '127.0.0.1', port: 2525 }, from: 'alerts@clinic.example' } } })),
    );
    expect([...emailOnly.keys()]).toEqual(['email']);
    expect(emailOnly.get('email')!.channel).toBe('email');

    const both = createNotifierRegistry(
      notifierContext(
        parseMainConfig({
          channels: { email: { smtp: { host: '127.0.0.1' }, from: 'alerts@clinic.example' }, webhooks: { ops: { url: 'https://hooks.example/ops' } } },
        }),
      ),
    );
    expect([...both.keys()].sort()).toEqual(['email', 'webhook']);
    expect(createNotifierRegistry(notifierContext(parseMainConfig({}))).size).toBe(0);
  });

  it('rejects two kinds that claim the same channel at start-up', () => {
    const a = defineNotifier({ channel: 'webhook', description: 'a', create: () => undefined });
    const b = defineNotifier({ channel: 'webhook', description: 'b', create: () => undefined });
    let thrown: unknown;
    try {
      createNotifierRegistry(notifierContext(parseMainConfig({})), [a, b]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(YuqingError);
    expect((thrown as YuqingError).code).toBe('E_CONFIG_REF');
    expect((thrown as YuqingError).message).toContain('webhook');
  });

  it('does not create any notifier when the declarations are invalid', () => {
    const created: string[] = [];
    const a = defineNotifier({ channel: 'email', description: 'a', create: () => void created.push('a') as undefined });
    const b = defineNotifier({ channel: 'email', description: 'b', create: () => void created.push('b') as undefined });
    expect(() => createNotifierRegistry(notifierContext(parseMainConfig({})), [a, b])).toThrow(YuqingError);
    expect(created).toEqual([]);
  });
});
