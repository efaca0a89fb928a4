import { createMasker } from '../../src/builds/log-masker.js';
import { imageTags } from '../../src/builds/run-build.js';
import { splitTag } from '../../src/builds/docker-build.js';

describe('createMasker', () => {
  const mask = createMasker(['s3cr3t-pass', undefined, 'abc', 'token-123456']);
  test.each([
    ['plain secret', 'login with s3cr3t-pass ok', 'login with **** ok'],
    ['twice in a line', 'token-123456/token-123456', '****/****'],
    ['base64 form', `auth ${Buffer.from('s3cr3t-pass').toString('base64')}`, 'auth ****'],
    ['short values are not secrets', 'abc stays', 'abc stays'],
    ['nothing to mask', 'Step 1/4 : FROM x', 'Step 1/4 : FROM x'],
  ])('%s', (_name, line, expected) => expect(mask(line)).toBe(expected));
});

describe('image naming', () => {
  test('tags: short sha and build number', () => {
    expect(imageTags({ registry: '127.0.0.1:5000', app: 'shop', sha: '0123456789abcdef0123456789abcdef01234567', number: 7 })).toEqual({
      repository: '127.0.0.1:5000/shop',
      tags: ['127.0.0.1:5000/shop:0123456', '127.0.0.1:5000/shop:build-7'],
    });
  });
  test.each([
    ['127.0.0.1:5000/shop:build-1', ['127.0.0.1:5000/shop', 'build-1']],
    ['127.0.0.1:5000/shop', ['127.0.0.1:5000/shop', 'latest']],
    ['shop:v1', ['shop', 'v1']],
  ])('splitTag %s', (ref, expected) => expect(splitTag(ref)).toEqual(expected));
});
