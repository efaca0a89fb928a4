import { deleteIfPresent, isNotFound, readIfPresent } from '../src/services/kube-not-found.js';

// The shape @kubernetes/client-node rejects with: an ApiException carrying the HTTP code.
const apiError = (code: number) => Object.assign(new Error(`HTTP-Code: ${code}`), { code });

describe('a Kubernetes object that is not there (services/kube-not-found.ts)', () => {
  test.each<[string, unknown, boolean]>([
    ['404', apiError(404), true],
    ['403', apiError(403), false],
    ['409', apiError(409), false],
    ['a network error', new Error('connect ECONNREFUSED 127.0.0.1:6443'), false],
    ['undefined', undefined, false],
  ])('isNotFound(%s)', (_name, error, expected) => {
    expect(isNotFound(error)).toBe(expected);
  });

  test('readIfPresent answers the object, undefined for a 404, and throws anything else', async () => {
    await expect(readIfPresent(async () => ({ kind: 'Secret' }))).resolves.toEqual({ kind: 'Secret' });
    await expect(readIfPresent(() => Promise.reject(apiError(404)))).resolves.toBeUndefined();
    await expect(readIfPresent(() => Promise.reject(apiError(403)))).rejects.toMatchObject({ code: 403 });
  });

  test('deleteIfPresent counts an object already gone as deleted, and throws anything else', async () => {
    const calls: string[] = [];
    await deleteIfPresent(async () => calls.push('deleted'));
    await expect(deleteIfPresent(() => Promise.reject(apiError(404)))).resolves.toBeUndefined();
    await expect(deleteIfPresent(() => Promise.reject(apiError(500)))).rejects.toMatchObject({ code: 500 });
    expect(calls).toEqual(['deleted']);
  });
});
