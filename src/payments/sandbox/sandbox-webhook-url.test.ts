import { describe, expect, it } from 'vitest';
import { startSandboxGateway } from './sandbox-server.js';
import { webhookUrlProblem } from './sandbox-notifier.js';

/** A notification address fetch() would refuse is refused at start, not at the first notification. */
describe('the sandbox gateway\'s webhook URL', () => {
  it.each([
    ['not a url', /is not a URL/],
    ['', /is not a URL/],
    ['localhost:3000/hook', /http:\/\/ or https:\/\//],
    ['ftp://127.0.0.1/hook', /http:\/\/ or https:\/\//],
    ['http://user:secret@127.0.0.1:3000/hook', /user name or password/],
  ])('refuses %j', async (url, reason) => {
    const started = startSandboxGateway({ port: 0, host: '127.0.0.1', secret: 's'.repeat(32), webhookUrl: url });
    await started.then((sandbox) => sandbox.close(), () => undefined); // had it started, it would be listening: close it
    await expect(started).rejects.toThrow(reason);
    expect(webhookUrlProblem(url)).toMatch(reason);
  });

  it.each(['http://127.0.0.1:3000/api/v1/gateway/notifications', 'https://shop.example.com/hooks/sandbox?x=1'])('accepts %s', (url) => {
    expect(webhookUrlProblem(url)).toBeUndefined();
  });
});
