import { parseRange, rangeAdmitsLine, type RangeDialect } from '../../../src/builds/versions/version-range.js';

// Which release lines a range written in each ecosystem's dialect admits, out of lines it could name.
describe('rangeAdmitsLine', () => {
  test.each<[string, RangeDialect, string[], string[]]>([
    // npm (engines.node, .nvmrc)
    ['18.x', 'npm', ['16', '18', '20'], ['18']],
    ['18', 'npm', ['16', '18', '20'], ['18']],
    ['v18.17.0', 'npm', ['18', '20'], ['18']],
    ['^18.17', 'npm', ['16', '18', '20'], ['18']],
    ['~18.1', 'npm', ['18', '20'], ['18']],
    ['>=18', 'npm', ['16', '18', '20'], ['18', '20']],
    ['>= 14 < 19', 'npm', ['12', '16', '18', '20'], ['16', '18']],
    ['>18', 'npm', ['18', '20'], ['20']],
    ['<=18', 'npm', ['18', '20'], ['18']],
    ['^16 || ^20', 'npm', ['16', '18', '20'], ['16', '20']],
    ['16 - 18', 'npm', ['14', '16', '18', '20'], ['16', '18']],
    ['*', 'npm', ['18', '20'], ['18', '20']],
    ['>=22', 'npm', ['18', '20'], []],
    // PEP 440 (requires-python)
    ['>=3.9', 'pep440', ['3.8', '3.11', '3.12'], ['3.11', '3.12']],
    ['>=3.9,<3.12', 'pep440', ['3.8', '3.11', '3.12'], ['3.11']],
    ['>=3.9, <3.12, !=3.10.*', 'pep440', ['3.10', '3.11'], ['3.10', '3.11']],
    ['~=3.10', 'pep440', ['3.9', '3.11', '4.0'], ['3.11']],
    ['~=3.11.2', 'pep440', ['3.11', '3.12'], ['3.11']],
    ['==3.11.*', 'pep440', ['3.11', '3.12'], ['3.11']],
    ['==3.8', 'pep440', ['3.8', '3.11'], ['3.8']],
    ['<3.11', 'pep440', ['3.10', '3.11'], ['3.10']],
    // Composer (require.php): its ~ may rise to the next major.
    ['^8.1', 'composer', ['7.4', '8.2', '9.0'], ['8.2']],
    ['~8.1', 'composer', ['8.2', '9.0'], ['8.2']],
    ['~8.1.0', 'composer', ['8.1', '8.2'], ['8.1']],
    ['>=7.4 <8.2', 'composer', ['7.4', '8.1', '8.2'], ['7.4', '8.1']],
    ['^7.4|^8.0', 'composer', ['7.4', '8.2'], ['7.4', '8.2']],
    ['8.2.*', 'composer', ['8.1', '8.2'], ['8.2']],
    ['>=8.3', 'composer', ['8.2'], []],
    // RubyGems requirements (Gemfile `ruby`)
    ['~> 3.1', 'gem', ['3.0', '3.1', '3.3', '4.0'], ['3.1', '3.3']],
    ['~> 3.1.2', 'gem', ['3.1', '3.2'], ['3.1']],
    ['>= 3.0, < 3.2', 'gem', ['2.7', '3.1', '3.2'], ['3.1']],
    ['3.1.2', 'gem', ['3.1', '3.2'], ['3.1']],
    ['3.2.2', 'gem', ['3.1'], []],
  ])('%s (%s)', (text, dialect, lines, admitted) => {
    const range = parseRange(text, dialect);
    expect(range).toBeDefined();
    expect(lines.filter((line) => rangeAdmitsLine(range!, line))).toEqual(admitted);
  });

  test.each<[string, RangeDialect]>([
    ['lts/argon', 'npm'],
    ['banana', 'pep440'],
    ['>=three', 'composer'],
    ['>>3', 'gem'],
    // Repo text longer than any real constraint is not parsed at all.
    ['>=1 '.repeat(100), 'npm'],
  ])('%s (%s) is not a range', (text, dialect) => expect(parseRange(text, dialect)).toBeUndefined());
});
