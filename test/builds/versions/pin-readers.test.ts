import { PIN_READERS } from '../../../src/builds/versions/pin-readers.js';
import { rangeAdmitsLine } from '../../../src/builds/versions/version-range.js';

// Each runtime's pin, read from the files as repos write them: where it came from, what it
// says, and which release lines it admits (undefined: a pin Slipway does not read as a version).
const LINES: Record<string, string[]> = { node: ['16', '18', '20', '22'], python: ['3.8', '3.11', '3.12'], ruby: ['3.0', '3.1', '3.2'], go: ['1.21', '1.22', '1.23'], java: ['8', '11', '17', '21'], php: ['7.4', '8.2', '8.3'] };

test.each<[string, string, Record<string, string>, { source: string; text: string; admits?: string[]; toolchain?: string } | undefined]>([
  ['node', 'engines.node', { 'package.json': '{"engines":{"node":"^18"}}' }, { source: 'engines.node in package.json', text: '^18', admits: ['18'] }],
  ['node', 'engines.node beats .nvmrc', { 'package.json': '{"engines":{"node":">=18"}}', '.nvmrc': '16' }, { source: 'engines.node in package.json', text: '>=18', admits: ['18', '20', '22'] }],
  ['node', '.nvmrc with a v', { 'package.json': '{}', '.nvmrc': 'v18.17.1\n' }, { source: '.nvmrc', text: 'v18.17.1', admits: ['18'] }],
  ['node', '.nvmrc LTS name', { '.nvmrc': 'lts/hydrogen' }, { source: '.nvmrc', text: 'lts/hydrogen', admits: ['18'] }],
  ['node', '.nvmrc newest LTS', { '.nvmrc': 'lts/*' }, { source: '.nvmrc', text: 'lts/*', admits: ['16', '18', '20', '22'] }],
  ['node', 'an unknown LTS name', { '.nvmrc': 'lts/zebra' }, { source: '.nvmrc', text: 'lts/zebra' }],
  ['node', '.node-version', { '.node-version': '20.11.0' }, { source: '.node-version', text: '20.11.0', admits: ['20'] }],
  ['node', 'no pin', { 'package.json': '{"name":"x"}' }, undefined],
  ['node', 'a broken package.json', { 'package.json': '{' }, undefined],
  ['python', '.python-version', { '.python-version': '3.11.4\n', 'runtime.txt': 'python-3.8.10' }, { source: '.python-version', text: '3.11.4', admits: ['3.11'] }],
  ['python', '.python-version naming PyPy', { '.python-version': 'pypy3.9' }, { source: '.python-version', text: 'pypy3.9' }],
  ['python', 'runtime.txt', { 'runtime.txt': 'python-3.8.10\n' }, { source: 'runtime.txt', text: 'python-3.8.10', admits: ['3.8'] }],
  ['python', 'Pipfile python_version', { Pipfile: '[packages]\nflask = "*"\n\n[requires]\npython_version = "3.12"\n' }, { source: '[requires] python_version in Pipfile', text: '3.12', admits: ['3.12'] }],
  ['python', 'Pipfile python_full_version', { Pipfile: "[requires]\npython_full_version = '3.11.4'\n" }, { source: '[requires] python_full_version in Pipfile', text: '3.11.4', admits: ['3.11'] }],
  ['python', 'requires-python', { 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.9,<3.12"\n' }, { source: 'requires-python in pyproject.toml', text: '>=3.9,<3.12', admits: ['3.11'] }],
  ['python', "Poetry's python", { 'pyproject.toml': '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.10"\nflask = "^3"\n' }, { source: 'python in [tool.poetry.dependencies] of pyproject.toml', text: '^3.10', admits: ['3.11', '3.12'] }],
  ['python', 'requires-python in another section is not read', { 'pyproject.toml': '[tool.other]\nrequires-python = ">=3.12"\n' }, undefined],
  ['ruby', 'Gemfile ruby', { Gemfile: "source 'https://rubygems.org'\nruby '3.1.2'\ngem 'sinatra'\n", '.ruby-version': '3.2.0' }, { source: 'ruby in Gemfile', text: '3.1.2', admits: ['3.1'] }],
  ['ruby', 'Gemfile ruby requirements', { Gemfile: 'ruby ">= 3.0", "< 3.2", engine: "ruby"\n' }, { source: 'ruby in Gemfile', text: '>= 3.0, < 3.2', admits: ['3.0', '3.1'] }],
  ['ruby', 'Gemfile ruby ~>', { Gemfile: "ruby '~> 3.1'\n" }, { source: 'ruby in Gemfile', text: '~> 3.1', admits: ['3.1', '3.2'] }],
  ['ruby', 'Gemfile ruby file:', { Gemfile: 'ruby file: ".ruby-version"\n', '.ruby-version': 'ruby-3.2.2' }, { source: '.ruby-version', text: 'ruby-3.2.2', admits: ['3.2'] }],
  ['ruby', '.ruby-version', { Gemfile: "gem 'rack'\n", '.ruby-version': '3.0.6\n' }, { source: '.ruby-version', text: '3.0.6', admits: ['3.0'] }],
  ['ruby', '.ruby-version naming JRuby', { '.ruby-version': 'jruby-9.4.3.0' }, { source: '.ruby-version', text: 'jruby-9.4.3.0' }],
  ['go', 'go directive', { 'go.mod': 'module example.com/x\n\ngo 1.21\n' }, { source: 'go.mod', text: 'go 1.21', admits: ['1.21', '1.22', '1.23'], toolchain: '1.21.0' }],
  ['go', 'go directive with a patch', { 'go.mod': 'module x\n\ngo 1.23.4\n' }, { source: 'go.mod', text: 'go 1.23.4', admits: ['1.23'], toolchain: '1.23.4' }],
  ['go', 'toolchain above go', { 'go.mod': 'module x\n\ngo 1.22\n\ntoolchain go1.23.2\n' }, { source: 'go.mod', text: 'toolchain go1.23.2', admits: ['1.23'], toolchain: '1.23.2' }],
  ['go', 'go above toolchain', { 'go.mod': 'module x\n\ngo 1.23.1\ntoolchain go1.22.5\n' }, { source: 'go.mod', text: 'go 1.23.1', admits: ['1.23'], toolchain: '1.23.1' }],
  ['go', 'an old go directive', { 'go.mod': 'module x\n\ngo 1.16\n' }, { source: 'go.mod', text: 'go 1.16', admits: ['1.21', '1.22', '1.23'], toolchain: '1.16' }],
  ['go', 'no go directive', { 'go.mod': 'module x\n' }, undefined],
  ['java', "Spring Boot's java.version", { 'pom.xml': '<project><properties><java.version>17</java.version></properties></project>' }, { source: '<java.version> in pom.xml', text: '17', admits: ['17', '21'] }],
  ['java', 'maven.compiler.release beats java.version', { 'pom.xml': '<project><properties>\n<java.version>11</java.version>\n<maven.compiler.release>21</maven.compiler.release>\n</properties></project>' }, { source: '<maven.compiler.release> in pom.xml', text: '21', admits: ['21'] }],
  ['java', 'source 1.8 through a property', { 'pom.xml': '<project><properties><jdk>1.8</jdk><maven.compiler.source>${jdk}</maven.compiler.source></properties></project>' }, { source: '<maven.compiler.source> in pom.xml', text: '1.8', admits: ['8', '11', '17', '21'] }],
  ['java', 'compiler plugin release', { 'pom.xml': '<project><build><plugins><plugin><artifactId>maven-compiler-plugin</artifactId><configuration><release>11</release></configuration></plugin></plugins></build></project>' }, { source: 'maven-compiler-plugin <release> in pom.xml', text: '11', admits: ['11', '17', '21'] }],
  ['java', 'a commented-out property', { 'pom.xml': '<project><properties><!-- <java.version>21</java.version> --></properties></project>' }, undefined],
  ['php', 'require.php', { 'composer.json': '{"require":{"php":"^8.1","monolog/monolog":"^3"}}' }, { source: 'require.php in composer.json', text: '^8.1', admits: ['8.2', '8.3'] }],
  ['php', 'require.php alternatives', { 'composer.json': '{"require":{"php":"^7.4 || ^8.0"}}' }, { source: 'require.php in composer.json', text: '^7.4 || ^8.0', admits: ['7.4', '8.2', '8.3'] }],
  ['php', 'no require.php', { 'composer.json': '{"require":{}}' }, undefined],
])('%s: %s', (runtime, _name, texts, expected) => {
  const pin = PIN_READERS[runtime].read(texts);
  if (expected === undefined) return expect(pin).toBeUndefined();
  expect(pin).toMatchObject({ source: expected.source, text: expected.text, ...(expected.toolchain ? { toolchain: expected.toolchain } : {}) });
  if (expected.admits === undefined) return expect(pin!.range).toBeUndefined();
  expect(LINES[runtime].filter((line) => rangeAdmitsLine(pin!.range!, line))).toEqual(expected.admits);
});

test('each reader names the files it reads, in order of precedence', () => {
  expect(Object.fromEntries(Object.entries(PIN_READERS).map(([runtime, reader]) => [runtime, reader.files]))).toEqual({
    node: ['package.json', '.nvmrc', '.node-version'],
    python: ['.python-version', 'runtime.txt', 'Pipfile', 'pyproject.toml'],
    ruby: ['Gemfile', '.ruby-version'],
    go: ['go.mod'],
    java: ['pom.xml'],
    php: ['composer.json'],
  });
});
