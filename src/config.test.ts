import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicUrlWarning } from './config.js';
import { createHttpGateway } from './payments/gateway/http-gateway.js';

describe('configuration', () => {
  it('reads the gateway\'s patience from the environment, within bounds', () => {
    expect(loadConfig({})).toMatchObject({ gatewayTimeoutMs: 10_000, gatewayAttempts: 3 });
    expect(loadConfig({ ORDERDECK_GATEWAY_TIMEOUT_MS: '2500', ORDERDECK_GATEWAY_ATTEMPTS: '5' })).toMatchObject({ gatewayTimeoutMs: 2500, gatewayAttempts: 5 });
    expect(() => loadConfig({ ORDERDECK_GATEWAY_TIMEOUT_MS: '50' })).toThrow(/ORDERDECK_GATEWAY_TIMEOUT_MS must be a whole number from 100 to 120000, got "50"/);
    expect(() => loadConfig({ ORDERDECK_GATEWAY_ATTEMPTS: '0' })).toThrow(/ORDERDECK_GATEWAY_ATTEMPTS must be a whole number from 1 to 10/);
    expect(() => loadConfig({ ORDERDECK_GATEWAY_ATTEMPTS: 'three' })).toThrow(/ORDERDECK_GATEWAY_ATTEMPTS must be a non-negative integer/);
  });

  it('refuses at start-up a setting that would only fail later or quietly do nothing, naming the variable', () => {
    for (const [env, message] of [
      [{ ORDERDECK_RATE_LIMIT: '0' }, /ORDERDECK_RATE_LIMIT must be a whole number from 1/],
      [{ ORDERDECK_SESSION_HOURS: '0' }, /ORDERDECK_SESSION_HOURS must be a whole number from 1/],
      [{ ORDERDECK_BODY_LIMIT: '0' }, /ORDERDECK_BODY_LIMIT must be a whole number from 1024/],
      [{ ORDERDECK_LOGIN_ATTEMPTS: '0' }, /ORDERDECK_LOGIN_ATTEMPTS must be a whole number from 1/],
      [{ PORT: '99999' }, /PORT must be a whole number from 0 to 65535/],
      [{ PORT: 'abc' }, /PORT must be a non-negative integer, got "abc"/],
      [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/],
      [{ ORDERDECK_TRUST_PROXY: 'maybe' }, /ORDERDECK_TRUST_PROXY must be 1 or 0/],
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ connection string .*"mysql:\/\/" is not supported/],
      [{ ORDERDECK_ADMIN_PASSWORD: '     short      ' }, /ORDERDECK_ADMIN_PASSWORD must be at least 12 characters/],
      [{ ORDERDECK_WORKERS: '0' }, /ORDERDECK_WORKERS must be auto or a whole number from 1 to 64/],
    ] as const) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
    }
  });

  it('reads yes/no settings the ways operators write them', () => {
    for (const on of ['1', 'true', 'TRUE', 'yes', 'on']) expect(loadConfig({ ORDERDECK_TRUST_PROXY: on }).trustProxy).toBe(true);
    for (const off of ['', '0', 'false', 'no', 'off']) expect(loadConfig({ ORDERDECK_TRUST_PROXY: off }).trustProxy).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@db:5432/orders' }).databaseUrl).toBe('postgresql://u@db:5432/orders');
  });

  it('points pay links where the server listens when ORDERDECK_PUBLIC_URL is not set', () => {
    expect(loadConfig({})).toMatchObject({ publicUrl: 'http://127.0.0.1:3000', publicUrlDefaulted: true });
    expect(loadConfig({ PORT: '3221' }).publicUrl).toBe('http://127.0.0.1:3221');
    expect(loadConfig({ HOST: 'localhost', PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '3221' }).publicUrl).toBe('http://127.0.0.1:3221');
    expect(loadConfig({ HOST: '::', PORT: '3221' }).publicUrl).toBe('http://localhost:3221');
    expect(loadConfig({ HOST: '::1' }).publicUrl).toBe('http://[::1]:3000');
    expect(loadConfig({ HOST: '192.168.1.20', PORT: '80' }).publicUrl).toBe('http://192.168.1.20');
    expect(loadConfig({ HOST: 'shop.example.com', PORT: '443' }).publicUrl).toBe('http://shop.example.com:443');

    const set = loadConfig({ PORT: '3221', ORDERDECK_PUBLIC_URL: 'https://shop.example.com/orders/' });
    expect(set).toMatchObject({ publicUrl: 'https://shop.example.com/orders', publicUrlDefaulted: false });
    expect(() => loadConfig({ ORDERDECK_PUBLIC_URL: 'shop.example.com' })).toThrow(/ORDERDECK_PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/);
    expect(() => loadConfig({ ORDERDECK_PUBLIC_URL: 'ftp://shop.example.com' })).toThrow(ConfigError);
  });

  it('warns at start when pay links would name an address customers may not reach', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(publicUrlWarning(loadConfig({ HOST: host })), host).toBeUndefined();
    expect(publicUrlWarning(loadConfig({ HOST: '0.0.0.0', ORDERDECK_PUBLIC_URL: 'https://shop.example.com' }))).toBeUndefined();
    for (const host of ['0.0.0.0', '::', '10.0.0.5']) {
      const warning = publicUrlWarning(loadConfig({ HOST: host, PORT: '3221' }));
      expect(warning, host).toMatch(/^ORDERDECK_PUBLIC_URL is not set: pay links .* point to http:\/\/\S+:3221, which customers may not reach/);
      expect(warning!.split('\n')).toHaveLength(1);
    }
  });

  it('describes a gateway connection without the credentials its URL may carry', () => {
    const gateway = createHttpGateway({ baseUrl: 'https://merchant:s3cret@gw.example.com/api/', secret: 'x'.repeat(20), timeoutMs: 4000, maxAttempts: 2 });
    expect(gateway.connection).toEqual({ url: 'https://gw.example.com/api', timeoutMs: 4000, attempts: 2 });
  });
});
