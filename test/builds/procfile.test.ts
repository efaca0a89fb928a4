import { procfileRelease } from '../../src/builds/builders/procfile.js';

// Heroku's release phase: the `release:` process type of a Procfile.
test.each([
  ['no Procfile', undefined, undefined],
  ['no release line', 'web: gunicorn app:app\n', undefined],
  ['a release line', 'web: gunicorn app:app\nrelease: python manage.py migrate --noinput\n', 'python manage.py migrate --noinput'],
  ['no space after the colon, CRLF line ends', 'release:./manage.py migrate\r\nweb: x\r\n', './manage.py migrate'],
  ['indented, with a command list', '  release:  bin/rails db:migrate && bin/rails db:seed  \n', 'bin/rails db:migrate && bin/rails db:seed'],
  ['the first of two release lines', 'release: a\nrelease: b\n', 'a'],
  ['an empty command is none', 'release:\nweb: x\n', undefined],
  ['a process type merely starting with release is not it', 'release_worker: sidekiq\n', undefined],
  ['a commented-out line is not it', '# release: migrate\n', undefined],
])('%s', (_name, text, expected) => {
  expect(procfileRelease(text)).toBe(expected);
});
