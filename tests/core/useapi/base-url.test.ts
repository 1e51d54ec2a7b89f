import { describe, expect, it } from 'vitest';
import { apiOrigin, createUseapiClient, resolveApiRoot, UseapiConfigError } from '../../../src/core/useapi';

describe('resolveApiRoot', () => {
  it("resolves the settings' default base to the API root", () => {
    expect(resolveApiRoot()).toEqual({ ok: true, apiRoot: 'https://api.useapi.net/v1/kling' });
  });

  it.each([
    ['https://api.useapi.net', 'https://api.useapi.net/v1/kling'],
    ['https://api.useapi.net/', 'https://api.useapi.net/v1/kling'],
    ['https://api.useapi.net//', 'https://api.useapi.net/v1/kling'],
    ['https://api.useapi.net/v1/kling', 'https://api.useapi.net/v1/kling'],
    ['https://api.useapi.net/v1/kling/', 'https://api.useapi.net/v1/kling'],
    ['https://api.useapi.net/V1/Kling', 'https://api.useapi.net/v1/kling'],
    ['https://api.useapi.net/v1', 'https://api.useapi.net/v1/kling'],
    ['  http://127.0.0.1:8787  ', 'http://127.0.0.1:8787/v1/kling'],
    ['http://127.0.0.1:8787/proxy/', 'http://127.0.0.1:8787/proxy/v1/kling'],
    ['http://127.0.0.1:8787/proxy/v1/kling/', 'http://127.0.0.1:8787/proxy/v1/kling'],
    ['HTTP://LOCALHOST:80/', 'http://localhost/v1/kling'],
    ['http://[::1]:8787/', 'http://[::1]:8787/v1/kling'],
    ['http://127.1.2.3:8787', 'http://127.1.2.3:8787/v1/kling'],
  ])('%s → %s', (input, apiRoot) => {
    expect(resolveApiRoot(input)).toEqual({ ok: true, apiRoot });
  });

  it.each([
    ['', /empty/],
    ['api.useapi.net', /not a valid URL/],
    ['ftp://api.useapi.net', /must start with https:\/\//],
    ['file:///etc/passwd', /must start with https:\/\//],
    ['javascript:alert(1)', /must start with https:\/\//],
    // The token travels to this host: plain http only on this machine.
    ['http://api.useapi.net', /must use https:\/\/.*this machine only/],
    ['http://evil.example:8080/v1/kling', /must use https:\/\//],
    ['http://127.0.0.1.evil.example/', /must use https:\/\//],
    ['http://10.0.0.5/', /must use https:\/\//],
    ['https://user:secret@api.useapi.net', /user name or password/],
    ['https://api.useapi.net/?token=x', /query/],
    ['https://api.useapi.net/#x', /fragment/],
  ])('refuses %j', (input, problem) => {
    const result = resolveApiRoot(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it('binds tokens to the origin: scheme, host and port', () => {
    expect(apiOrigin('https://api.useapi.net/v1/kling/')).toBe('https://api.useapi.net');
    expect(apiOrigin('https://API.useapi.net:443')).toBe('https://api.useapi.net');
    expect(apiOrigin('http://127.0.0.1:8787/proxy')).toBe('http://127.0.0.1:8787');
    expect(apiOrigin('http://127.0.0.1:8788')).not.toBe(apiOrigin('http://127.0.0.1:8787'));
    expect(apiOrigin('http://evil.example')).toMatch(/^invalid:/);
  });

  it('never repeats credentials found in a base URL', () => {
    const result = resolveApiRoot('https://user:s3cr3tTOKEN@api.useapi.net');
    expect(JSON.stringify(result)).not.toContain('s3cr3tTOKEN');
  });
});

describe('createUseapiClient configuration', () => {
  it('exposes the resolved API root', () => {
    expect(createUseapiClient({ token: 'user:1-abc', baseUrl: 'http://127.0.0.1:9/' }).apiRoot).toBe(
      'http://127.0.0.1:9/v1/kling',
    );
  });

  it('throws a UseapiConfigError for a bad base URL, an empty token or a bad timeout', () => {
    expect(() => createUseapiClient({ token: 'user:1-abc', baseUrl: 'ftp://x' })).toThrow(UseapiConfigError);
    expect(() => createUseapiClient({ token: '   ' })).toThrow(/token is empty/);
    expect(() => createUseapiClient({ token: 'user:1-abc', timeoutMs: 0 })).toThrow(/timeout/);
    expect(() => createUseapiClient({ token: 'user:1-abc', timeoutMs: Number.NaN })).toThrow(/timeout/);
  });

  it('refuses a token that cannot go in a header without quoting it', () => {
    const token = 'user:123-SECRET\nInjected: yes';
    let thrown: unknown;
    try {
      createUseapiClient({ token });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UseapiConfigError);
    expect(String((thrown as Error).message)).not.toContain('SECRET');
    expect((thrown as Error).cause).toBeUndefined();
  });
});
