import { goPin } from './go-pin.js';
import { javaPin } from './java-pin.js';
import { nodePin } from './node-pin.js';
import { phpPin } from './php-pin.js';
import { pythonPin } from './python-pin.js';
import { rubyPin } from './ruby-pin.js';
import type { PinReader } from './version-pin.js';

/** Pin readers by the runtime a builder's versions are of (builder.json `versions.of`). */
export const PIN_READERS: Record<string, PinReader> = { node: nodePin, python: pythonPin, ruby: rubyPin, go: goPin, java: javaPin, php: phpPin };
