import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { createHttpGateway } from './payments/gateway/http-gateway.js';

describe('configuration', () => {
  it('reads the gateway\'s patience from the environment, within bounds', () => {
    expect(loadConfig({})).toMatchObject({ gatewayTimeoutMs: 10_000, gatewayAttempts: 3 });
    expect(loadConfig({ ORDERDECK_GATEWAY_TIMEOUT_MS: '2500', ORDERDECK_GATEWAY_ATTEMPTS: '5' })).toMatchObject({ gatewayTimeoutMs: 2500, gatewayAttempts: 5 });
    expect(() => loadConfig({ ORDERDECK_GATEWAY_TIMEOUT_MS: '50' })).toThrow(/ORDERDECK_GATEWAY_TIMEOUT_MS must be a whole number from 100 to 120000, got "50"/);
    expect(() => loadConfig({ ORDERDECK_GATEWAY_ATTEMPTS: '0' })).toThrow(/ORDERDECK_GATEWAY_ATTEMPTS must be a whole number from 1 to 10/);
    expect(() => loadConfig({ ORDERDECK_GATEWAY_ATTEMPTS: 'three' })).toThrow(/ORDERDECK_GATEWAY_ATTEMPTS must be a non-negative integer/);
  });

  it('describes a gateway connection without the credentials its URL may carry', () => {
    const gateway = createHttpGateway({ baseUrl: 'https://merchant:s3cret@gw.example.com/api/', secret: 'x'.repeat(20), timeoutMs: 4000, maxAttempts: 2 });
    expect(gateway.connection).toEqual({ url: 'https://gw.example.com/api', timeoutMs: 4000, attempts: 2 });
  });
});
